//! The same path over gRPC only, plus health and reflection.

use e2e::{Db, System, docx_text};
use resume_proto::v1::{
    self, candidate_service_client::CandidateServiceClient, resume_service_client::ResumeServiceClient,
};
use tokio_stream::StreamExt;

fn candidate() -> v1::Candidate {
    v1::Candidate {
        full_name: "Grace Hopper".into(),
        email: Some("grace@example.com".into()),
        skills: vec!["COBOL".into(), "Compilers".into()],
        experience: vec![v1::Experience {
            company: "US Navy".into(),
            title: "Rear Admiral".into(),
            start: "1943".into(),
            highlights: vec!["Led the COBOL effort".into()],
            ..Default::default()
        }],
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_watch_and_download_over_grpc() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let channel = system.channel().await?;
    let mut candidates = CandidateServiceClient::new(channel.clone());
    let mut resumes = ResumeServiceClient::new(channel);

    let created =
        candidates
            .create_candidate(system.grpc_request(
                "grace",
                v1::CreateCandidateRequest { candidate: Some(candidate()), ..Default::default() },
            ))
            .await?
            .into_inner()
            .candidate
            .unwrap();
    assert!(created.id > 0);
    assert!(created.created_at.is_some());

    let request = v1::GenerateResumeRequest { candidate_id: created.id, ..Default::default() };
    let job = resumes.generate_resume(system.grpc_request("grace", request)).await?.into_inner().job.unwrap();
    assert_eq!(job.file_type, "word");
    assert_eq!(job.priority, "default");
    assert_eq!(job.job_row_id, None);

    let mut updates = resumes
        .watch_job(system.grpc_request("grace", v1::WatchJobRequest { job_id: job.job_id.clone() }))
        .await?
        .into_inner();
    let mut seen = Vec::new();
    while let Some(update) = updates.next().await {
        seen.push(update?.job.unwrap());
    }
    let progress: Vec<i32> = seen.iter().map(|j| j.progress).collect();
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    let last = seen.last().unwrap();
    assert_eq!((last.status.as_str(), last.progress), ("SUCCESS", 100));
    assert!(seen.len() >= 2, "only {progress:?}");

    let mut chunks = resumes
        .download_resume(system.grpc_request("grace", v1::DownloadResumeRequest { job_id: job.job_id.clone() }))
        .await?
        .into_inner();
    let first = chunks.next().await.unwrap()?;
    assert_eq!(first.filename, "Grace_Hopper_Resume.docx");
    assert!(first.content_type.ends_with("wordprocessingml.document"));
    let mut bytes = first.chunk;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        assert!(chunk.filename.is_empty());
        bytes.extend(chunk.chunk);
    }
    let (text, _) = docx_text(&bytes)?;
    assert!(
        text.contains("Grace Hopper") && text.contains("US Navy") && text.contains("Led the COBOL effort"),
        "{text}"
    );

    let mine = resumes.list_my_jobs(system.grpc_request("grace", v1::ListMyJobsRequest::default())).await?.into_inner();
    assert_eq!(mine.jobs.len(), 1);
    assert_eq!(mine.jobs[0].job_id, job.job_id);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_answers_serving_and_reflection_lists_the_services() -> anyhow::Result<()> {
    use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient};
    use tonic_reflection::pb::v1::{
        ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
    };

    let system = System::start(Db::Sqlite, 0).await?;
    let channel = system.channel().await?;
    let mut health = HealthClient::new(channel.clone());
    for service in [
        "",
        "resume.v1.ResumeService",
        "resume.v1.CandidateService",
        "resume.v1.OpeningService",
        "resume.v1.BatchService",
        "resume.v1.UsageService",
    ] {
        let status = health.check(HealthCheckRequest { service: service.into() }).await?.into_inner().status;
        assert_eq!(status, ServingStatus::Serving as i32, "{service:?}");
    }

    let mut reflection = ServerReflectionClient::new(channel);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut answers = reflection.server_reflection_info(tokio_stream::once(request)).await?.into_inner();
    let answer = answers.next().await.unwrap()?;
    let Some(MessageResponse::ListServicesResponse(list)) = answer.message_response else {
        panic!("unexpected answer {answer:?}")
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for service in [
        "resume.v1.CandidateService",
        "resume.v1.ResumeService",
        "resume.v1.AdminService",
        "resume.v1.OpeningService",
        "resume.v1.BatchService",
        "resume.v1.UsageService",
        "resume.v1.WorkerService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
    ] {
        assert!(names.iter().any(|n| n == service), "{service} not in {names:?}");
    }
    system.stop().await
}

/// A gRPC-Web call (HTTP/1.1, as a browser makes it) of `path` with an empty message:
/// the answer's content type, its status (from the headers of a trailers-only answer, else
/// from the trailer frame) and whether a message frame came before it.
async fn grpc_web(system: &System, path: &str, token: Option<String>) -> anyhow::Result<(String, String, bool)> {
    let mut request = system
        .http
        .post(format!("http://{}{path}", system.grpc_addr))
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1")
        .body(vec![0u8, 0, 0, 0, 0]);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    anyhow::ensure!(response.status() == 200, "HTTP {}", response.status());
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let content_type = header("content-type").unwrap_or_default();
    let in_headers = header("grpc-status");
    let body = response.bytes().await?;
    let (mut rest, mut message, mut trailers) = (&body[..], false, String::new());
    while rest.len() >= 5 {
        let length = u32::from_be_bytes([rest[1], rest[2], rest[3], rest[4]]) as usize;
        let frame = &rest[5..5 + length];
        match rest[0] & 0x80 {
            0 => message = true,
            _ => trailers = String::from_utf8_lossy(frame).into_owned(),
        }
        rest = &rest[5 + length..];
    }
    let in_trailers =
        trailers.lines().find_map(|line| line.strip_prefix("grpc-status:").map(|status| status.trim().to_owned()));
    Ok((content_type, in_headers.or(in_trailers).unwrap_or_default(), message))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_web_answers_and_refusals_are_grpc_web() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 0).await?;
    let list = "/resume.v1.CandidateService/ListCandidates";
    let (content_type, status, message) = grpc_web(&system, list, Some(system.token("web"))).await?;
    assert!(content_type.starts_with("application/grpc-web"), "{content_type}");
    assert_eq!((status.as_str(), message), ("0", true));
    // Refused by the token check, before any service: still gRPC-Web, or a browser's client
    // cannot read why.
    for (path, token, code) in [
        (list, None, "16"),
        (list, Some("not.a.token".to_owned()), "16"),
        ("/resume.v1.AdminService/ListJobs", Some(system.token("web")), "7"),
    ] {
        let (content_type, status, _) = grpc_web(&system, path, token).await?;
        assert!(content_type.starts_with("application/grpc-web"), "{path}: {content_type}");
        assert_eq!(status, code, "{path}");
    }
    system.stop().await
}
