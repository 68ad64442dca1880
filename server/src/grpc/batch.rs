//! `resume.v1.BatchService`.

use std::sync::Arc;

use futures::StreamExt;
use resume_proto::v1::{self, batch_service_server::BatchService};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::ResponseStream;
use crate::{
    AppState,
    auth::Caller,
    core::batches::{self, archive, watch},
};

/// The batches API over the shared state.
pub struct BatchApi {
    pub state: Arc<AppState>,
}

#[tonic::async_trait]
impl BatchService for BatchApi {
    async fn create_batch(
        &self,
        request: Request<v1::CreateBatchRequest>,
    ) -> Result<Response<v1::CreateBatchResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let batch_id = batches::create(&self.state, &owner, request.into_inner()).await?;
        let batch = batches::get(&self.state, &owner, &batch_id).await?;
        Ok(Response::new(v1::CreateBatchResponse { batch: Some(batch) }))
    }

    async fn estimate_batch(
        &self,
        request: Request<v1::EstimateBatchRequest>,
    ) -> Result<Response<v1::EstimateBatchResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let batch = request.into_inner().batch.ok_or_else(|| super::missing("batch"))?;
        Ok(Response::new(batches::estimate(&self.state, &owner, batch).await?))
    }

    async fn get_batch(&self, request: Request<v1::GetBatchRequest>) -> Result<Response<v1::GetBatchResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let batch = batches::get(&self.state, &owner, &request.get_ref().batch_id).await?;
        Ok(Response::new(v1::GetBatchResponse { batch: Some(batch) }))
    }

    async fn list_batches(
        &self,
        request: Request<v1::ListBatchesRequest>,
    ) -> Result<Response<v1::ListBatchesResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let (batches, next_page_token) = batches::list(&self.state, &owner, request.into_inner()).await?;
        Ok(Response::new(v1::ListBatchesResponse { batches, next_page_token }))
    }

    type WatchBatchStream = ResponseStream<v1::WatchBatchResponse>;

    async fn watch_batch(
        &self,
        request: Request<v1::WatchBatchRequest>,
    ) -> Result<Response<Self::WatchBatchStream>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let batch_id = request.into_inner().batch_id;
        // Fail fast, as a status rather than a broken stream, for a batch the caller cannot see.
        batches::find(&self.state, &owner, &batch_id).await?;
        let (tx, rx) = mpsc::channel(8);
        let state = self.state.clone();
        tokio::spawn(async move { watch::watch(&state, &owner, &batch_id, tx).await });
        let updates = ReceiverStream::new(rx)
            .map(|update| update.map(|batch| v1::WatchBatchResponse { batch: Some(batch) }).map_err(Status::from));
        Ok(Response::new(Box::pin(updates)))
    }

    async fn cancel_batch(
        &self,
        request: Request<v1::CancelBatchRequest>,
    ) -> Result<Response<v1::CancelBatchResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let batch = batches::cancel(&self.state, &owner, &request.get_ref().batch_id).await?;
        Ok(Response::new(v1::CancelBatchResponse { batch: Some(batch) }))
    }

    async fn retry_failed_batch_items(
        &self,
        request: Request<v1::RetryFailedBatchItemsRequest>,
    ) -> Result<Response<v1::RetryFailedBatchItemsResponse>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let batch = batches::retry_failed(&self.state, &owner, &request.get_ref().batch_id).await?;
        Ok(Response::new(v1::RetryFailedBatchItemsResponse { batch: Some(batch) }))
    }

    type DownloadBatchStream = ResponseStream<v1::DownloadBatchResponse>;

    async fn download_batch(
        &self,
        request: Request<v1::DownloadBatchRequest>,
    ) -> Result<Response<Self::DownloadBatchStream>, Status> {
        let owner = Caller::of(&request)?.user_id.clone();
        let batch = batches::find(&self.state, &owner, &request.get_ref().batch_id).await?;
        // A few pieces ahead of the client at most: the archive is made as it is read.
        let (tx, rx) = mpsc::channel(2);
        let state = self.state.clone();
        let batch_id = batch.id.clone();
        tokio::spawn(async move {
            if let Err(error) = archive::send(&state, &batch_id, &tx).await {
                let _ = tx.send(Err(error)).await;
            }
        });
        let mut first = Some((archive::filename(&batch.id), archive::CONTENT_TYPE.to_owned()));
        let chunks = ReceiverStream::new(rx).map(move |chunk| {
            let (filename, content_type) = first.take().unwrap_or_default();
            chunk.map(|chunk| v1::DownloadBatchResponse { filename, content_type, chunk }).map_err(Status::from)
        });
        Ok(Response::new(Box::pin(chunks)))
    }
}
