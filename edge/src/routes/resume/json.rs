//! The JSON of `/api/resume-async`: what to generate or render, a job as the API shows it
//! (which the operators' routes reuse), a finished resume's content, the routes' paths and
//! queries, and the conversions of each to and from `resume.v1` messages.

use resume_proto::v1;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    error::{ApiError, required},
    json::{integer, rules, time},
    routes::candidates::json::{Certification, Education, Experience},
};

/// What to generate: a resume of a candidate, for one of their target jobs or general.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Generate {
    #[serde(deserialize_with = "integer::required")]
    #[schema(minimum = 1)]
    pub candidate_id: i64,
    /// The target job; absent or null for a general resume.
    #[serde(default, deserialize_with = "integer::optional")]
    #[schema(minimum = 1)]
    pub job_row_id: Option<i64>,
    /// `word` when absent.
    #[serde(default)]
    #[schema(value_type = Option<FileType>)]
    pub file_type: Option<String>,
    /// `default` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Priority>)]
    pub priority: Option<String>,
    /// Bypass every cache and make a new variant (false when absent).
    #[serde(default)]
    pub fresh: bool,
    /// `resume` when absent; `cover_letter` for a letter to the target job's company (a
    /// general one without a target).
    #[serde(default)]
    #[schema(value_type = Option<DocumentKind>)]
    pub document: Option<String>,
    /// An anonymised document: no name, contact line or links; "Candidate <initials>"
    /// instead, in the file name too (false when absent).
    #[serde(default)]
    pub anonymize: bool,
}

impl From<Generate> for v1::GenerateResumeRequest {
    fn from(g: Generate) -> v1::GenerateResumeRequest {
        let Generate { candidate_id, job_row_id, file_type, priority, fresh, document, anonymize } = g;
        v1::GenerateResumeRequest { candidate_id, job_row_id, file_type, priority, fresh, document, anonymize }
    }
}

/// What a job makes (the server checks it; the document names the values).
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub enum DocumentKind {
    Resume,
    CoverLetter,
}

/// The format of a resume (the server checks it; the document names the values).
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub enum FileType {
    Word,
    Pdf,
    Text,
    Markdown,
}

/// Which queue a job waits in: `high` starts before any waiting `default` job (the server
/// checks it; the document names the values).
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub enum Priority {
    Default,
    High,
}

/// A generation job as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Job {
    /// A UUID.
    pub job_id: String,
    pub candidate_id: i64,
    pub job_row_id: Option<i64>,
    #[schema(value_type = JobStatus)]
    pub status: String,
    /// 0–100, never backwards; 100 exactly when `SUCCESS`.
    #[schema(minimum = 0, maximum = 100)]
    pub progress: i32,
    #[schema(value_type = FileType)]
    pub file_type: String,
    #[schema(value_type = Priority)]
    pub priority: String,
    /// The download path, once `SUCCESS`.
    pub result_url: Option<String>,
    /// For example `Ada_Lovelace_Resume.docx`, once `SUCCESS`.
    pub filename: Option<String>,
    /// What went wrong, in words a user can act on, on `FAILURE`.
    pub error_message: Option<String>,
    /// Answered from the result cache, without a model call.
    pub cache_hit: bool,
    pub attempts: i32,
    pub created_at: Option<String>,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    /// How long making the content took, in milliseconds: set once `SUCCESS` (0 for a
    /// cache hit or a render), null before and on any other end.
    pub generation_ms: Option<i64>,
    /// The job whose edited content this one rendered (no model call); null otherwise.
    pub edited_from: Option<String>,
    /// What the job does: `generate` a resume, `render` an edit, `import` a resume file.
    #[schema(value_type = JobKind)]
    pub kind: String,
    /// The batch it was submitted in; null for a job submitted alone.
    pub batch_id: Option<String>,
    /// What the job makes: a `resume` or a `cover_letter`.
    #[schema(value_type = DocumentKind)]
    pub document: String,
    /// The file is anonymised: no name, contact line or links.
    pub anonymize: bool,
    /// Of `prompt_tokens`, those the provider read from its prompt cache (priced at the
    /// model's cached-input price).
    pub cached_tokens: i32,
    /// The model that made the content (`offline` for the offline generator); null until
    /// it ran, for cache hits and renders.
    pub model: Option<String>,
    /// What the worker is writing now, in words (`Writing experience: 5 of 8 roles`): in
    /// the live updates of a running job (`job-events`) as the model writes; null when the
    /// job is read otherwise, and once it has ended.
    pub status_text: Option<String>,
    /// What the model has written so far, in the live updates of a running resume job
    /// (`job-events`): the main sections once written, the roles whose group is written,
    /// the candidate's education and certifications; sent with the update after each change
    /// only (keep the last one), null otherwise.
    pub content_so_far: Option<Content>,
}

impl From<v1::Job> for Job {
    fn from(j: v1::Job) -> Job {
        let v1::Job {
            job_id,
            candidate_id,
            job_row_id,
            status,
            progress,
            file_type,
            priority,
            result_url,
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
            kind,
            batch_id,
            document,
            anonymize,
            cached_tokens,
            model,
            status_text,
            content_so_far,
        } = j;
        Job {
            job_id,
            candidate_id,
            job_row_id,
            status,
            progress,
            file_type,
            priority,
            result_url,
            filename,
            error_message,
            cache_hit,
            attempts,
            created_at: time(created_at),
            started_at: time(started_at),
            completed_at: time(completed_at),
            prompt_tokens,
            completion_tokens,
            generation_ms,
            edited_from,
            kind,
            batch_id,
            document,
            anonymize,
            cached_tokens,
            model,
            status_text,
            content_so_far: content_so_far.map(Content::from),
        }
    }
}

/// Where a job is (the server checks it; the document names the values).
#[derive(ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub enum JobStatus {
    Pending,
    Processing,
    Success,
    Failure,
    Cancelled,
}

/// What a job does.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub enum JobKind {
    Generate,
    Render,
    Import,
}

/// A page of jobs, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobList {
    pub jobs: Vec<Job>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}

/// The path of the routes about one job.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub struct JobPath {
    /// The job's id, a UUID (hyphenated).
    #[param(pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub job_id: String,
}

/// The query of `GET /api/resume-async/my-jobs`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MyJobsQuery {
    /// Page size, 1–100 (20 when absent).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// The `next_page_token` of the page before.
    pub page_token: Option<String>,
    /// Only jobs in this status.
    #[param(value_type = Option<JobStatus>)]
    pub status: Option<String>,
    /// Only this candidate's jobs.
    #[param(minimum = 1)]
    pub candidate_id: Option<i64>,
}

/// What a finished resume says, ready to render: the model's wording (headline, summary,
/// the skills in order, each role's bullets) over the candidate's facts. An edited one may
/// reword, reorder and leave out, never add or change a fact (name, employers, titles,
/// locations, dates, schools, certifications).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Content {
    #[schema(example = "Ada Lovelace")]
    pub full_name: String,
    #[serde(default)]
    #[schema(max_length = 300)]
    pub headline: Option<String>,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub summary: Option<String>,
    /// Most relevant first.
    #[serde(default)]
    #[schema(value_type = Vec<rules::Skill>, max_items = 100)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub experience: Vec<Experience>,
    #[serde(default)]
    pub education: Vec<Education>,
    #[serde(default)]
    pub certifications: Vec<Certification>,
}

impl From<Content> for v1::ResumeContent {
    fn from(c: Content) -> v1::ResumeContent {
        let Content { full_name, headline, summary, skills, experience, education, certifications } = c;
        v1::ResumeContent {
            full_name,
            headline,
            summary,
            skills,
            experience: experience.into_iter().map(v1::Experience::from).collect(),
            education: education.into_iter().map(v1::Education::from).collect(),
            certifications: certifications.into_iter().map(v1::Certification::from).collect(),
        }
    }
}

impl From<v1::ResumeContent> for Content {
    fn from(c: v1::ResumeContent) -> Content {
        let v1::ResumeContent { full_name, headline, summary, skills, experience, education, certifications } = c;
        Content {
            full_name,
            headline,
            summary,
            skills,
            experience: experience.into_iter().map(Experience::from).collect(),
            education: education.into_iter().map(Education::from).collect(),
            certifications: certifications.into_iter().map(Certification::from).collect(),
        }
    }
}

/// A cover letter's content, ready to render. An edited one may reword anything, but every
/// name (employer, title, school, certification, place) and number or year it carries must
/// be in the candidate's data or the target job's title and company, and it is signed with
/// the candidate's name ("Candidate <initials>" when the job is anonymised).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverLetterContent {
    #[schema(min_length = 1, max_length = 300, pattern = r"\S", example = "Dear Initech hiring team,")]
    pub greeting: String,
    /// Three or four as generated; an edit may have one to six.
    #[schema(value_type = Vec<rules::Paragraph>, min_items = 1, max_items = 6)]
    pub paragraphs: Vec<String>,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S", example = "Kind regards,")]
    pub closing: String,
    #[schema(example = "Ada Lovelace")]
    pub signature: String,
}

impl From<CoverLetterContent> for v1::CoverLetterContent {
    fn from(c: CoverLetterContent) -> v1::CoverLetterContent {
        let CoverLetterContent { greeting, paragraphs, closing, signature } = c;
        v1::CoverLetterContent { greeting, paragraphs, closing, signature }
    }
}

impl From<v1::CoverLetterContent> for CoverLetterContent {
    fn from(c: v1::CoverLetterContent) -> CoverLetterContent {
        let v1::CoverLetterContent { greeting, paragraphs, closing, signature } = c;
        CoverLetterContent { greeting, paragraphs, closing, signature }
    }
}

/// The `document` of a resume's edit (the default).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResumeDocument {
    Resume,
}

/// The `document` of a cover letter's edit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoverLetterDocument {
    CoverLetter,
}

/// An edited resume of a SUCCESS resume job of the caller's, to render in a new job.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenderResume {
    /// The SUCCESS job whose content was edited (a UUID, hyphenated).
    #[schema(pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub job_id: String,
    /// `resume` (also when absent): the job made a resume.
    #[serde(default)]
    pub document: Option<ResumeDocument>,
    pub content: Content,
    /// `word` when absent.
    #[serde(default)]
    #[schema(value_type = Option<FileType>)]
    pub file_type: Option<String>,
}

/// An edited cover letter of a SUCCESS letter job of the caller's, to render in a new job.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenderCoverLetter {
    /// The SUCCESS job whose letter was edited (a UUID, hyphenated).
    #[schema(pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub job_id: String,
    /// `cover_letter`: the job made a cover letter.
    pub document: CoverLetterDocument,
    pub content: CoverLetterContent,
    /// `word` when absent.
    #[serde(default)]
    #[schema(value_type = Option<FileType>)]
    pub file_type: Option<String>,
}

/// An edited content of a SUCCESS job of the caller's, to render in a new job: a resume's
/// (`document: "resume"`) or a cover letter's (`document: "cover_letter"`), as the job made;
/// `document` decides how `content` is read. Absent, the content's shape says: a letter's
/// has `greeting` or `paragraphs` (a resume's never does), anything else is a resume's.
#[derive(Debug, ToSchema)]
#[serde(untagged)]
pub enum Render {
    Resume(RenderResume),
    CoverLetter(RenderCoverLetter),
}

impl<'de> Deserialize<'de> for Render {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Render, D::Error> {
        use serde::de::Error;
        let mut value = serde_json::Value::deserialize(deserializer)?;
        if !value.is_object() {
            return Err(D::Error::custom("invalid type: expected an object"));
        }
        let document = match value.get("document") {
            None | Some(serde_json::Value::Null) => {
                let content = value.get("content");
                let letter = content.is_some_and(|c| c.get("greeting").is_some() || c.get("paragraphs").is_some());
                let document = if letter { "cover_letter" } else { "resume" };
                value["document"] = document.into();
                document.to_owned()
            }
            Some(serde_json::Value::String(document)) => document.clone(),
            Some(_) => return Err(D::Error::custom("document: must be \"resume\" or \"cover_letter\"")),
        };
        // The shape's own errors, with the path of the field at fault.
        fn read<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, String> {
            serde_path_to_error::deserialize(value).map_err(|error| match error.path().to_string().as_str() {
                "." => error.into_inner().to_string(),
                path => format!("{path}: {}", error.into_inner()),
            })
        }
        match document.as_str() {
            "resume" => read(value).map(Render::Resume),
            "cover_letter" => read(value).map(Render::CoverLetter),
            _ => Err("document: must be \"resume\" or \"cover_letter\"".to_owned()),
        }
        .map_err(D::Error::custom)
    }
}

impl From<Render> for v1::RenderResumeRequest {
    fn from(r: Render) -> v1::RenderResumeRequest {
        use v1::render_resume_request::Edit;
        let (job_id, edit, file_type) = match r {
            Render::Resume(RenderResume { job_id, document: _, content, file_type }) => {
                (job_id, Edit::Content(content.into()), file_type)
            }
            Render::CoverLetter(RenderCoverLetter { job_id, document: _, content, file_type }) => {
                (job_id, Edit::CoverLetter(content.into()), file_type)
            }
        };
        v1::RenderResumeRequest { job_id, edit: Some(edit), file_type }
    }
}

/// A finished job's content, of the document it made: `document` says which shape
/// `content` has.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "document", rename_all = "snake_case")]
pub enum JobContent {
    /// A resume's content.
    Resume {
        /// A UUID.
        job_id: String,
        content: Content,
    },
    /// A cover letter's content.
    CoverLetter {
        /// A UUID.
        job_id: String,
        content: CoverLetterContent,
    },
}

impl TryFrom<v1::GetResumeContentResponse> for JobContent {
    type Error = ApiError;

    /// Refused when the server's answer carries no content.
    fn try_from(c: v1::GetResumeContentResponse) -> Result<JobContent, ApiError> {
        use v1::get_resume_content_response::DocumentContent;
        let v1::GetResumeContentResponse { job_id, document_content } = c;
        Ok(match required(document_content, "content")? {
            DocumentContent::Content(content) => JobContent::Resume { job_id, content: content.into() },
            DocumentContent::CoverLetter(content) => JobContent::CoverLetter { job_id, content: content.into() },
        })
    }
}

/// How well a finished resume covers the key terms of its posting, counted without a model.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchReport {
    /// The job whose content was matched (a UUID); an edit's own id for an edited version.
    pub job_id: String,
    /// The posting: the job's target job.
    pub job_row_id: i64,
    /// The posting's key terms: most mentioned first, then in the order the posting first
    /// names them.
    pub terms: Vec<MatchTerm>,
    /// How many terms the resume names.
    #[schema(minimum = 0)]
    pub shown: i32,
    /// How many terms the candidate's data has and the resume leaves out.
    #[schema(minimum = 0)]
    pub held_not_shown: i32,
    /// How many terms the candidate's data does not have.
    #[schema(minimum = 0)]
    pub missing: i32,
    /// round(100 × shown / terms); null when the posting names no key term.
    #[schema(minimum = 0, maximum = 100)]
    pub score: Option<i32>,
    /// round(100 × (shown + held_not_shown) / terms): the score were every held term shown;
    /// null when the posting names no key term.
    #[schema(minimum = 0, maximum = 100)]
    pub potential: Option<i32>,
}

/// One key term of a posting, and how the resume stands on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchTerm {
    /// As the vocabulary names it (`Kubernetes` for `k8s`), or a repeated word or phrase as
    /// the posting first writes it, in lower case.
    pub term: String,
    #[schema(value_type = TermSource)]
    pub source: String,
    #[schema(value_type = TermStatus)]
    pub status: String,
    /// How many times the posting names it.
    #[schema(minimum = 1)]
    pub mentions: i32,
}

/// Where a key term comes from: the project's vocabulary of skills and tools, or a word
/// the posting uses at least three times (a two-word phrase, twice).
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub enum TermSource {
    Vocabulary,
    Repeated,
}

/// `shown`: the resume names it; `held_not_shown`: the candidate's data has it, the resume
/// leaves it out; `missing`: the candidate's data does not have it.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub enum TermStatus {
    Shown,
    HeldNotShown,
    Missing,
}

impl From<v1::MatchTerm> for MatchTerm {
    fn from(t: v1::MatchTerm) -> MatchTerm {
        let v1::MatchTerm { term, source, status, mentions } = t;
        MatchTerm { term, source, status, mentions }
    }
}

impl TryFrom<v1::GetMatchReportResponse> for MatchReport {
    type Error = ApiError;

    /// Refused when the server's answer carries no report.
    fn try_from(r: v1::GetMatchReportResponse) -> Result<MatchReport, ApiError> {
        let v1::MatchReport { job_id, job_row_id, terms, shown, held_not_shown, missing, score, potential } =
            required(r.report, "report")?;
        Ok(MatchReport {
            job_id,
            job_row_id,
            terms: terms.into_iter().map(MatchTerm::from).collect(),
            shown,
            held_not_shown,
            missing,
            score,
            potential,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_may_carry_a_zero_fraction() {
        let generate: Generate = serde_json::from_str(r#"{"candidate_id": 7632.0, "job_row_id": 2}"#).unwrap();
        assert_eq!((generate.candidate_id, generate.job_row_id), (7632, Some(2)));
        for body in [
            r#"{"candidate_id": 1.5}"#,
            r#"{"candidate_id": "1"}"#,
            r#"{"candidate_id": 1e300}"#,
            r#"{"candidate_id": 9223372036854775808}"#,
            r#"{"candidate_id": -9223372036854775809}"#,
        ] {
            assert!(serde_json::from_str::<Generate>(body).is_err(), "{body}");
        }
        let year = r#"{"name": "CKA", "year": 2021.0}"#;
        assert_eq!(serde_json::from_str::<Certification>(year).unwrap().year, Some(2021));
        assert!(serde_json::from_str::<Certification>(r#"{"name": "CKA", "year": 9999999999}"#).is_err());
    }

    #[test]
    fn an_edit_is_read_as_the_document_it_names() {
        let letter = r#"{"job_id": "j", "document": "cover_letter", "content": {"greeting": "Dear team,",
            "paragraphs": ["One."], "closing": "Kind regards,", "signature": "Ada"}}"#;
        assert!(matches!(serde_json::from_str::<Render>(letter).unwrap(), Render::CoverLetter(_)));
        let resume = r#"{"job_id": "j", "content": {"full_name": "Ada"}}"#;
        assert!(matches!(serde_json::from_str::<Render>(resume).unwrap(), Render::Resume(_)));
        let mixed = r#"{"job_id": "j", "document": "cover_letter", "content": {"full_name": "Ada"}}"#;
        let error = serde_json::from_str::<Render>(mixed).unwrap_err().to_string();
        assert!(error.starts_with("content.full_name: unknown field `full_name`"), "{error}");
        let other = r#"{"job_id": "j", "document": "memo", "content": {}}"#;
        assert!(serde_json::from_str::<Render>(other).unwrap_err().to_string().starts_with("document: must be"));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<Generate>(r#"{"candidate_id": 1, "colour": "red"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }
}
