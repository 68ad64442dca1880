//! The match report: how well a finished resume covers the key terms of the posting it was
//! made for, counted without a model, so the same job, candidate and posting always give
//! the same report (README, "Match report").
//!
//! - [`vocabulary`]: the skills and tools the project knows by name (`vocabulary.txt`) and
//!   where a text names them.
//! - [`words`]: a text's words, and the terms a posting repeats (`stopwords.txt`).
//! - [`report`]: the report, a pure function of the posting's, the candidate's and the
//!   resume's texts.
//!
//! Read per job from what the job keeps (its content, its candidate, its target job): a
//! few reads by key and a few milliseconds of matching, nothing stored.

pub mod report;
pub mod vocabulary;
pub mod words;

use resume_proto::{content::Content, job::JobStatus, v1};

use crate::{
    AppState,
    core::{candidates, documents, jobs},
    db::resume_job,
    error::{Error, Result},
};

/// The match report of `owner`'s SUCCESS job `job_id` (an edit's own, for an edited
/// version): NOT_FOUND for another user's job; FAILED_PRECONDITION while it has not
/// succeeded, and for a general resume (also one whose target job was deleted).
pub async fn match_report(state: &AppState, owner: &str, job_id: &str) -> Result<v1::MatchReport> {
    report_of(state, &jobs::find(state, owner, job_id).await?).await
}

/// How well job `row` (read already, and its owner's) fits its posting: the match report's
/// score when it has one (a SUCCESS resume made for a posting with key terms); `None`
/// otherwise, also for a job that has not succeeded and one past retention.
pub async fn score_of(state: &AppState, row: &resume_job::Model) -> Result<Option<i32>> {
    if row.status != JobStatus::Success {
        return Ok(None);
    }
    match report_of(state, row).await {
        Ok(report) => Ok(report.score),
        Err(Error::FailedPrecondition(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The match report of job `row` (read already, and its owner's), with the same answers as
/// [`match_report`].
pub async fn report_of(state: &AppState, row: &resume_job::Model) -> Result<v1::MatchReport> {
    let owner = row.owner.as_str();
    let content = match documents::content_of(state, row).await? {
        Content::Resume(resume) => resume,
        Content::CoverLetter(_) => {
            return Err(Error::FailedPrecondition(format!(
                "job {} is a cover letter: the match report reads the resume made for the posting",
                row.id
            )));
        }
    };
    // A target job's deletion leaves its resumes as general ones (no `job_row_id`); one
    // deleted while this reads is the same.
    let no_posting = || {
        Error::FailedPrecondition(format!(
            "job {} has no target job (a general resume, or its target job was deleted): no posting to match against",
            row.id
        ))
    };
    let job_row_id = row.job_row_id.ok_or_else(no_posting)?;
    let candidate_id = row.candidate()?;
    let (candidate, target) = futures::join!(
        candidates::find(state, owner, candidate_id),
        candidates::job_by_id(state, owner, candidate_id, job_row_id)
    );
    let candidate = candidates::to_proto(candidate?)?;
    let target = target.map_err(|error| if matches!(error, Error::NotFound(_)) { no_posting() } else { error })?;
    let posting = report::text([target.title.as_str(), target.description.as_str()]);
    let held = report::profile(&candidate);
    // The resume read as the same parts of a profile (every field named: a new one is
    // decided on here).
    let v1::ResumeContent { full_name: _, headline, summary, skills, experience, education, certifications } = content;
    let resume =
        v1::Candidate { headline, summary, skills, experience, education, certifications, ..Default::default() };
    let shown = report::profile(&resume);
    Ok(report::assess(row.id.clone(), job_row_id, &posting, &held, &shown))
}
