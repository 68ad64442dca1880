//! What a job is, as Rust enums over the strings the wire carries (JSON, protobuf and the
//! Redis task all say `"high"`, `"pdf"`, `"SUCCESS"`): parsing refuses an unknown value,
//! naming the field, instead of falling back to a default.

use std::{fmt, str::FromStr};

/// The model a job records when the offline generator made it (no tokens, no cost).
pub const OFFLINE_MODEL: &str = "offline";

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
    /// What a job makes.
    #[derive(Default)]
    pub enum Document in "document" {
        #[default]
        Resume => "resume",
        /// A cover letter for the target job (a general one without a target).
        CoverLetter => "cover_letter",
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
    #[derive(Default)]
    pub enum JobKind in "kind" {
        /// Makes a resume from a candidate's data (a model call, unless a cache answers).
        #[default]
        Generate => "generate",
        /// Renders an edited content of another job (`edited_from`); no model call.
        Render => "render",
        /// Reads an uploaded resume into a candidate draft (a model call for PDF, Word and
        /// text when a model is configured).
        Import => "import",
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
        /// An import's file could not be read: not what its name says, encrypted, a scan
        /// without text, not a LinkedIn export, too large once unpacked.
        ImportUnreadable => "import_unreadable",
        /// A retried job's task could not be queued again.
        QueueUnavailable => "queue_unavailable",
        /// Ours: the server refused or could not be reached, the claim was incomplete.
        Internal => "internal",
        /// Reported without a class (a worker older than classes), or with one this
        /// server does not know.
        Unknown => "unknown",
    }
}

wire_enum! {
    /// How an import reads its file.
    pub enum ImportFormat in "format" {
        /// A PDF's text layer.
        Pdf => "pdf",
        /// A Word document: body, tables and text boxes.
        Docx => "docx",
        /// Plain text (a file, or pasted).
        Text => "text",
        /// A JSON Resume (jsonresume.org, schema v1) document, read exactly.
        JsonResume => "json_resume",
        /// A LinkedIn "Get a copy of your data" ZIP of CSV files, read exactly.
        Linkedin => "linkedin",
    }
}

impl ImportFormat {
    /// What an import takes, for the message that refuses anything else.
    pub const TAKEN: &str =
        "PDF (.pdf), Word (.docx), text (.txt), JSON Resume (.json) or a LinkedIn data export (.zip)";

    /// The format of an uploaded file: by its name's extension, else by its content type;
    /// `None` for a type an import does not take.
    pub fn of_upload(filename: &str, content_type: &str) -> Option<ImportFormat> {
        let extension = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match extension.as_deref() {
            Some("pdf") => Some(ImportFormat::Pdf),
            Some("docx") => Some(ImportFormat::Docx),
            Some("txt" | "text" | "md") => Some(ImportFormat::Text),
            Some("json") => Some(ImportFormat::JsonResume),
            Some("zip") => Some(ImportFormat::Linkedin),
            Some(_) => None,
            None => ImportFormat::of_content_type(content_type),
        }
    }

    fn of_content_type(content_type: &str) -> Option<ImportFormat> {
        let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/pdf" => Some(ImportFormat::Pdf),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Some(ImportFormat::Docx),
            "text/plain" | "text/markdown" => Some(ImportFormat::Text),
            "application/json" => Some(ImportFormat::JsonResume),
            "application/zip" | "application/x-zip-compressed" => Some(ImportFormat::Linkedin),
            _ => None,
        }
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
        assert_eq!(ImportFormat::of_upload("CV Final.PDF", ""), Some(ImportFormat::Pdf));
        assert_eq!(ImportFormat::of_upload("export.zip", "application/octet-stream"), Some(ImportFormat::Linkedin));
        assert_eq!(ImportFormat::of_upload("resume", "application/json"), Some(ImportFormat::JsonResume));
        assert_eq!(ImportFormat::of_upload("resume.doc", "application/msword"), None, "old Word is not taken");
        assert_eq!(ImportFormat::of_upload("photo.png", "application/pdf"), None, "the name decides first");
        for class in ErrorClass::ALL {
            assert_eq!(class.as_str().parse::<ErrorClass>(), Ok(*class));
        }
    }
}
