//! A job row as the API shows it (a Job) and as operators see it (an admin list item).

use resume_proto::{job::JobStatus, time::to_timestamp, v1};

use crate::db::resume_job;

/// The job row as the API shows it.
pub fn to_proto(row: resume_job::Model) -> v1::Job {
    let kind = row.does();
    let resume_job::Model {
        id,
        owner: _,
        candidate_id,
        job_row_id,
        status,
        progress,
        file_type,
        priority,
        filename,
        error_message,
        cache_hit,
        attempts,
        created_at,
        started_at,
        completed_at,
        prompt_tokens,
        completion_tokens,
        generation_ms,
        edited_from,
        worker: _,
        run: _,
        kind: _,
        batch_id,
        document,
        anonymize,
        fresh: _,
        model,
        cached_tokens,
    } = row;
    // Derived, not stored: where a REST client downloads the file.
    let result_url = (status == JobStatus::Success).then(|| result_url(&id));
    let generation_ms = (status == JobStatus::Success).then_some(generation_ms);
    v1::Job {
        job_id: id,
        // An import has none until it is accepted.
        candidate_id: candidate_id.unwrap_or_default(),
        job_row_id,
        status: status.to_string(),
        progress,
        file_type: file_type.to_string(),
        priority: priority.to_string(),
        result_url,
        filename,
        error_message,
        cache_hit,
        attempts,
        created_at: Some(to_timestamp(created_at)),
        started_at: started_at.map(to_timestamp),
        completed_at: completed_at.map(to_timestamp),
        prompt_tokens,
        completion_tokens,
        generation_ms,
        kind: kind.to_string(),
        edited_from,
        batch_id,
        document: document.to_string(),
        anonymize,
        cached_tokens,
        model,
        // Only a live update carries it (`lifecycle::announce_saying`).
        status_text: None,
        content_so_far: None,
    }
}

/// A job row as operators see it: the Job, whose it is, its queue and its last worker.
pub fn to_admin(row: resume_job::Model) -> v1::AdminJob {
    let queue = row.queue().name().to_owned();
    let (owner, worker) = (row.owner.clone(), row.worker.clone());
    v1::AdminJob { job: Some(to_proto(row)), owner, queue, worker }
}

/// The download path of a job, as REST clients follow it.
pub fn result_url(job_id: &str) -> String {
    format!("/api/resume-async/download/{job_id}")
}
