//! What a job is, as Rust enums over the strings the wire carries (JSON, protobuf and the
//! Redis task all say `"high"`, `"pdf"`, `"SUCCESS"`): parsing refuses an unknown value,
//! naming the field, instead of falling back to a default.

use std::{fmt, str::FromStr};

/// Defines a closed set that the wire carries as strings, naming each value once: the
/// enum, `ALL`, `as_str`, `Display`, `FromStr` (whose error names the field and the values
/// it takes) and, with the `db` feature, the database column mapping (sea-orm's
/// `ActiveEnum` over the same strings).
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $type:ident in $field:literal {
            $($(#[$variant_meta:meta])* $variant:ident => $name:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "Text"))]
        pub enum $type {
            $(
                $(#[$variant_meta])*
                #[cfg_attr(feature = "db", sea_orm(string_value = $name))]
                $variant,
            )+
        }

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

wire_enum! {
    /// Which queue a job waits in.
    #[derive(Default)]
    pub enum Priority in "priority" {
        #[default]
        Default => "default",
        /// Starts before any waiting `Default` job.
        High => "high",
    }
}

wire_enum! {
    /// The format of a resume.
    #[derive(Default)]
    pub enum FileType in "file_type" {
        #[default]
        Word => "word",
        Pdf => "pdf",
        /// Plain text, for ATS forms and e-mails.
        Text => "text",
        Markdown => "markdown",
    }
}

wire_enum! {
    /// Where a job is in its life (how it may move: the server's `core::lifecycle`).
    pub enum JobStatus in "status" {
        /// Stored and queued; no worker has claimed it yet.
        Pending => "PENDING",
        /// A worker is building it.
        Processing => "PROCESSING",
        /// The file is stored and can be downloaded.
        Success => "SUCCESS",
        /// It failed for good; `error_message` says why.
        Failure => "FAILURE",
        /// Its owner (or an operator) cancelled it before it ended.
        Cancelled => "CANCELLED",
    }
}

wire_enum! {
    /// What a job does: the work its task stands for.
    pub enum JobKind in "kind" {
        /// Makes a resume from a candidate's data (a model call, unless a cache answers).
        Generate => "generate",
        /// Renders an edited content of another job (`edited_from`); no model call.
        Render => "render",
    }
}

wire_enum! {
    /// Why an attempt or a job failed, as the error groups, the worker's metrics and the
    /// job's timeline name it.
    pub enum ErrorClass in "error_class" {
        /// The model service answered 429 (its rate limit).
        ModelRateLimited => "model_rate_limited",
        /// The model service could not be reached, timed out or answered 5xx.
        ModelUnavailable => "model_unavailable",
        /// The model's reply had nothing usable in it.
        ModelInvalidReply => "model_invalid_reply",
        /// The model service refused the request for good (credentials, a bad request).
        ModelRefused => "model_refused",
        /// The document could not be rendered.
        RenderFailed => "render_failed",
        /// The job names a format the worker cannot make.
        UnsupportedFormat => "unsupported_format",
        /// A retried job's task could not be queued again.
        QueueUnavailable => "queue_unavailable",
        /// Ours: the server refused or could not be reached, the claim was incomplete.
        Internal => "internal",
        /// Reported without a class (a worker older than classes), or with one this
        /// server does not know.
        Unknown => "unknown",
    }
}

impl JobStatus {
    /// The statuses of a job that has not ended: the one definition of "still running".
    pub const RUNNING: [JobStatus; 2] = [JobStatus::Pending, JobStatus::Processing];

    /// Whether the job has ended and will never change again.
    pub fn is_terminal(self) -> bool {
        !JobStatus::RUNNING.contains(&self)
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
        for class in ErrorClass::ALL {
            assert_eq!(class.as_str().parse::<ErrorClass>(), Ok(*class));
        }
    }
}
