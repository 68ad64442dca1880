//! The lifecycle of a generation job.

use std::{fmt, str::FromStr};

/// Where a job is in its life. Stored and shown as the upper-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Stored and queued; no worker has claimed it yet.
    Pending,
    /// A worker is building it.
    Processing,
    /// The file is stored and can be downloaded.
    Success,
    /// It failed for good; `error_message` says why.
    Failure,
    /// Its owner cancelled it before it ended.
    Cancelled,
}

impl JobStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [JobStatus; 5] =
        [JobStatus::Pending, JobStatus::Processing, JobStatus::Success, JobStatus::Failure, JobStatus::Cancelled];

    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "PENDING",
            JobStatus::Processing => "PROCESSING",
            JobStatus::Success => "SUCCESS",
            JobStatus::Failure => "FAILURE",
            JobStatus::Cancelled => "CANCELLED",
        }
    }

    /// Whether the job has ended and will never change again.
    pub fn is_terminal(self) -> bool {
        matches!(self, JobStatus::Success | JobStatus::Failure | JobStatus::Cancelled)
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JobStatus::ALL.into_iter().find(|status| status.as_str() == s).ok_or_else(|| {
            let names: Vec<_> = JobStatus::ALL.iter().map(|s| s.as_str()).collect();
            format!("status must be one of {}", names.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for status in JobStatus::ALL {
            assert_eq!(status.as_str().parse::<JobStatus>(), Ok(status));
        }
        assert!("done".parse::<JobStatus>().unwrap_err().contains("PENDING"));
    }

    #[test]
    fn only_ended_jobs_are_terminal() {
        assert!(!JobStatus::Pending.is_terminal());
        assert!(!JobStatus::Processing.is_terminal());
        assert!(JobStatus::Success.is_terminal());
        assert!(JobStatus::Cancelled.is_terminal());
    }
}
