//! Job change fan-out across every server, through one Redis pub/sub channel.
//!
//! Whichever server records a change publishes the whole job as operators see it (an
//! `AdminJob`: the `Job`, its owner, queue and worker); every server's single subscriber
//! hands the `Job` to the local watchers of that job id, and the whole to the operators'
//! live streams. Watchers register before reading the row, so no change between the read
//! and the first event is lost.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use fred::{clients::SubscriberClient, prelude::*};
use prost::Message as _;
use resume_proto::v1;
use tokio::sync::broadcast;

use crate::error::Result;

type Watchers = Mutex<HashMap<String, broadcast::Sender<v1::Job>>>;

/// How many changes an operators' stream may fall behind before it skips some.
const ALL_BACKLOG: usize = 1024;

/// Publishes job changes and delivers them to local watchers.
pub struct Events {
    publisher: Client,
    channel: String,
    /// Local watchers by job id; an entry lives while some watcher holds its receiver.
    watchers: Arc<Watchers>,
    /// Every change, for the operators' live streams.
    all: broadcast::Sender<v1::AdminJob>,
}

impl Events {
    /// Subscribes `subscriber` to `channel` and starts delivering its messages.
    pub async fn start(publisher: Client, subscriber: SubscriberClient, channel: String) -> Result<Events> {
        let watchers: Arc<Watchers> = Arc::default();
        let all = broadcast::channel(ALL_BACKLOG).0;
        let to_all = all.clone();
        let mut messages = subscriber.message_rx();
        subscriber.manage_subscriptions();
        subscriber.subscribe(channel.as_str()).await?;
        let deliver_to = watchers.clone();
        tokio::spawn(async move {
            // Keeps the subscriber alive for as long as messages are read.
            let _subscriber = subscriber;
            loop {
                match messages.recv().await {
                    Ok(message) => deliver(&deliver_to, &to_all, &message.value),
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "job event subscriber lagged; watchers will re-read");
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        Ok(Events { publisher, channel, watchers, all })
    }

    /// Announces a job's new state to every server. Failures are logged: the database
    /// holds the truth and watchers re-read it when events stop coming.
    pub async fn publish(&self, job: &v1::AdminJob) {
        let result: Result<i64, _> =
            runtime::redis::within(self.publisher.publish(self.channel.as_str(), job.encode_to_vec())).await;
        if let Err(error) = result {
            let job_id = job.job.as_ref().map(|j| j.job_id.as_str()).unwrap_or_default();
            tracing::warn!(job_id, %error, "could not publish job event");
        }
    }

    /// Starts receiving every job's changes (the operators' live stream).
    pub fn watch_all(&self) -> broadcast::Receiver<v1::AdminJob> {
        self.all.subscribe()
    }

    /// Starts receiving the changes of job `job_id`.
    pub fn watch(&self, job_id: &str) -> Watch {
        let mut watchers = self.watchers.lock().unwrap_or_else(|e| e.into_inner());
        let receiver = watchers.entry(job_id.to_owned()).or_insert_with(|| broadcast::channel(16).0).subscribe();
        Watch { receiver, job_id: job_id.to_owned(), watchers: self.watchers.clone() }
    }
}

fn deliver(watchers: &Watchers, all: &broadcast::Sender<v1::AdminJob>, value: &Value) {
    let Some(bytes) = value.as_bytes() else {
        return;
    };
    let Some(change) = v1::AdminJob::decode(bytes).ok() else {
        tracing::warn!("undecodable job event ignored");
        return;
    };
    let Some(job) = &change.job else {
        tracing::warn!("job event without its job ignored");
        return;
    };
    if let Some(sender) = watchers.lock().unwrap_or_else(|e| e.into_inner()).get(&job.job_id) {
        let _ = sender.send(job.clone());
    }
    if all.receiver_count() > 0 {
        let _ = all.send(change);
    }
}

/// The changes of one job; unregisters itself when dropped.
pub struct Watch {
    /// The job's events as this server receives them.
    pub receiver: broadcast::Receiver<v1::Job>,
    job_id: String,
    watchers: Arc<Watchers>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let mut watchers = self.watchers.lock().unwrap_or_else(|e| e.into_inner());
        // Our receiver still counts until this drop finishes.
        if watchers.get(&self.job_id).is_some_and(|s| s.receiver_count() <= 1) {
            watchers.remove(&self.job_id);
        }
    }
}
