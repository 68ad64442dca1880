//! The JSON shapes of `/api/candidates/imports`.

use resume_proto::v1;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{json::time, routes::candidates::json::Candidate};

/// Pasted text to import, instead of a file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportText {
    /// The resume's text, as copied from wherever it is.
    #[schema(min_length = 1, example = "Ada Lovelace\nada@example.com\n\nEXPERIENCE\n…")]
    pub text: String,
}

/// A resume file to import.
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub struct ImportUpload {
    /// A PDF (.pdf), Word (.docx), text (.txt), JSON Resume (.json) or LinkedIn data
    /// export (.zip), at most `IMPORT_MAX_BYTES` (5 MiB by default).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// The file an import reads.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportSource {
    /// The uploaded file's name; null for pasted text.
    pub filename: Option<String>,
    pub content_type: String,
    /// Its size in bytes.
    pub bytes: i64,
    /// How it is read.
    #[schema(value_type = ImportFormat)]
    pub format: String,
}

/// How an import reads its file.
#[derive(ToSchema)]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub enum ImportFormat {
    #[schema(rename = "pdf")]
    Pdf,
    #[schema(rename = "docx")]
    Docx,
    #[schema(rename = "text")]
    Text,
    #[schema(rename = "json_resume")]
    JsonResume,
    #[schema(rename = "linkedin")]
    Linkedin,
}

/// Something the importer left out of the draft, or is unsure of.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportWarning {
    /// The draft's field, e.g. `full_name` or `experience[2].company`.
    pub field: String,
    pub message: String,
}

/// A resume read into a candidate draft: a job of kind `import`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Import {
    /// A UUID.
    pub import_id: String,
    #[schema(value_type = crate::routes::resume::json::JobStatus)]
    pub status: String,
    #[schema(minimum = 0, maximum = 100)]
    pub progress: i32,
    pub source: Option<ImportSource>,
    /// On `SUCCESS`: the candidate read from the file, the fields of a Candidate without
    /// `id` and `created_at`; every fact in it is in the file's text. It need not pass a
    /// Candidate's checks yet (a name or a start date the file lacks is empty): the
    /// recruiter completes it, and `POST /api/candidates` with `import_id` saves it.
    #[schema(value_type = Option<Object>)]
    pub draft: Option<serde_json::Value>,
    /// On `SUCCESS`: what was left out or is uncertain.
    pub warnings: Vec<ImportWarning>,
    /// On `FAILURE`: why, in words the uploader can act on.
    pub error_message: Option<String>,
    pub attempts: i32,
    /// The candidate created from the draft, once accepted.
    pub candidate_id: Option<i64>,
    pub created_at: Option<String>,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub accepted_at: Option<String>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
}

impl From<v1::Import> for Import {
    fn from(i: v1::Import) -> Import {
        let v1::Import {
            import_id,
            status,
            progress,
            source,
            draft,
            warnings,
            error_message,
            attempts,
            candidate_id,
            created_at,
            started_at,
            completed_at,
            accepted_at,
            prompt_tokens,
            completion_tokens,
        } = i;
        let success = status == "SUCCESS";
        Import {
            import_id,
            status,
            progress,
            source: source.map(|v1::ImportSource { filename, content_type, bytes, format }| ImportSource {
                filename,
                content_type,
                bytes,
                format,
            }),
            draft: draft.filter(|_| success).map(draft_of),
            warnings: warnings
                .into_iter()
                .map(|v1::ImportWarning { field, message }| ImportWarning { field, message })
                .collect(),
            error_message,
            attempts,
            candidate_id,
            created_at: time(created_at),
            started_at: time(started_at),
            completed_at: time(completed_at),
            accepted_at: time(accepted_at),
            prompt_tokens,
            completion_tokens,
        }
    }
}

/// A draft as JSON: a Candidate's fields, without the two only a stored one has.
fn draft_of(candidate: v1::Candidate) -> serde_json::Value {
    let mut json = serde_json::to_value(Candidate::from(candidate)).unwrap_or_default();
    if let Some(fields) = json.as_object_mut() {
        fields.remove("id");
        fields.remove("created_at");
    }
    json
}

/// A page of imports, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportList {
    pub imports: Vec<Import>,
    pub next_page_token: Option<String>,
}

/// The path of the routes about one import.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub struct ImportPath {
    /// The import's id, a UUID (hyphenated).
    #[param(pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub import_id: String,
}

/// One event of an import's stream: `event` is `progress` (its `data` an Import as JSON) or
/// `error` (its `data` the error body).
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub struct ImportEvent {
    pub event: String,
    pub data: String,
}
