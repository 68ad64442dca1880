//! What a job is, as Rust enums over the strings the wire carries (JSON, protobuf and the
//! Redis task all say `"high"`, `"pdf"`, `"SUCCESS"`): parsing refuses an unknown value,
//! naming the field, instead of falling back to a default.

use std::{fmt, str::FromStr};

/// Which queue a job waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Priority {
    #[default]
    Default,
    /// Starts before any waiting `Default` job.
    High,
}

/// The format of a resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileType {
    #[default]
    Word,
    Pdf,
    /// Plain text, for ATS forms and e-mails.
    Text,
    Markdown,
}

/// Where a job is in its life.
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
    /// Its owner (or an operator) cancelled it before it ended.
    Cancelled,
}

/// Each enum's wire names, once: `as_str`, `Display` and `FromStr` (whose error names the
/// field and the values it takes).
macro_rules! wire_names {
    ($type:ty, $field:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $type {
            /// Every value, in the order the wire lists them.
            pub const ALL: &[$type] = &[$(<$type>::$variant),+];

            /// The name on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(<$type>::$variant => $name),+
                }
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $type {
            type Err = String;

            fn from_str(value: &str) -> Result<$type, String> {
                match value {
                    $($name => Ok(<$type>::$variant),)+
                    _ => {
                        let quoted: Vec<String> = <$type>::ALL.iter().map(|v| format!("\"{v}\"")).collect();
                        let (last, rest) = quoted.split_last().expect("an enum has values");
                        Err(format!("{} must be {} or {last}", $field, rest.join(", ")))
                    }
                }
            }
        }
    };
}

wire_names!(Priority, "priority", { Default => "default", High => "high" });
wire_names!(FileType, "file_type", { Word => "word", Pdf => "pdf", Text => "text", Markdown => "markdown" });
wire_names!(JobStatus, "status", {
    Pending => "PENDING",
    Processing => "PROCESSING",
    Success => "SUCCESS",
    Failure => "FAILURE",
    Cancelled => "CANCELLED",
});

impl JobStatus {
    /// Whether the job has ended and will never change again.
    pub fn is_terminal(self) -> bool {
        matches!(self, JobStatus::Success | JobStatus::Failure | JobStatus::Cancelled)
    }
}

impl FileType {
    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileType::Word => "docx",
            FileType::Pdf => "pdf",
            FileType::Text => "txt",
            FileType::Markdown => "md",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for status in JobStatus::ALL {
            assert_eq!(status.as_str().parse::<JobStatus>(), Ok(*status));
        }
        assert_eq!("high".parse::<Priority>(), Ok(Priority::High));
        assert_eq!("urgent".parse::<Priority>(), Err("priority must be \"default\" or \"high\"".to_owned()));
        let all = "file_type must be \"word\", \"pdf\", \"text\" or \"markdown\"";
        assert_eq!("".parse::<FileType>(), Err(all.to_owned()));
        assert!("done".parse::<JobStatus>().unwrap_err().starts_with("status must be \"PENDING\", "));
        assert!(JobStatus::Cancelled.is_terminal() && !JobStatus::Processing.is_terminal());
    }
}
