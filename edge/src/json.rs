//! The REST API's JSON shapes and their conversions to and from `resume.v1` messages.
//! Requests reject unknown fields; responses use `null` for absent values and RFC 3339
//! UTC times.

use chrono::SecondsFormat;
use resume_proto::{time::from_timestamp, v1};
use serde::{Deserialize, Serialize};

/// A protobuf time as the API shows times: RFC 3339, UTC, `Z`.
pub fn time(t: Option<prost_types::Timestamp>) -> Option<String> {
    t.as_ref().and_then(from_timestamp).map(|t| t.to_rfc3339_opts(SecondsFormat::Micros, true))
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Experience {
    pub company: String,
    pub title: String,
    #[serde(default)]
    pub location: Option<String>,
    pub start: String,
    #[serde(default)]
    pub end: Option<String>,
    #[serde(default)]
    pub highlights: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Education {
    pub institution: String,
    #[serde(default)]
    pub degree: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    pub name: String,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub year: Option<i32>,
}

/// A candidate as the API shows it, and (without `id` and `created_at`, which are
/// ignored when sent) as it is created.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    #[serde(default)]
    pub id: Option<i64>,
    pub full_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub headline: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub experience: Vec<Experience>,
    #[serde(default)]
    pub education: Vec<Education>,
    #[serde(default)]
    pub certifications: Vec<Certification>,
    #[serde(default)]
    pub created_at: Option<String>,
}

impl From<Candidate> for v1::Candidate {
    fn from(c: Candidate) -> v1::Candidate {
        let Candidate {
            id: _,
            full_name,
            email,
            phone,
            location,
            headline,
            summary,
            links,
            skills,
            experience,
            education,
            certifications,
            created_at: _,
        } = c;
        v1::Candidate {
            id: 0,
            full_name,
            email,
            phone,
            location,
            headline,
            summary,
            links: links.into_iter().map(|Link { label, url }| v1::Link { label, url }).collect(),
            skills,
            experience: experience
                .into_iter()
                .map(|Experience { company, title, location, start, end, highlights }| v1::Experience {
                    company,
                    title,
                    location,
                    start,
                    end,
                    highlights,
                })
                .collect(),
            education: education
                .into_iter()
                .map(|Education { institution, degree, field, start, end }| v1::Education {
                    institution,
                    degree,
                    field,
                    start,
                    end,
                })
                .collect(),
            certifications: certifications
                .into_iter()
                .map(|Certification { name, issuer, year }| v1::Certification { name, issuer, year })
                .collect(),
            created_at: None,
        }
    }
}

impl From<v1::Candidate> for Candidate {
    fn from(c: v1::Candidate) -> Candidate {
        let v1::Candidate {
            id,
            full_name,
            email,
            phone,
            location,
            headline,
            summary,
            links,
            skills,
            experience,
            education,
            certifications,
            created_at,
        } = c;
        Candidate {
            id: Some(id),
            full_name,
            email,
            phone,
            location,
            headline,
            summary,
            links: links.into_iter().map(|v1::Link { label, url }| Link { label, url }).collect(),
            skills,
            experience: experience
                .into_iter()
                .map(|v1::Experience { company, title, location, start, end, highlights }| Experience {
                    company,
                    title,
                    location,
                    start,
                    end,
                    highlights,
                })
                .collect(),
            education: education
                .into_iter()
                .map(|v1::Education { institution, degree, field, start, end }| Education {
                    institution,
                    degree,
                    field,
                    start,
                    end,
                })
                .collect(),
            certifications: certifications
                .into_iter()
                .map(|v1::Certification { name, issuer, year }| Certification { name, issuer, year })
                .collect(),
            created_at: time(created_at),
        }
    }
}

/// `GET /api/candidates`.
#[derive(Debug, Serialize)]
pub struct CandidateList {
    pub candidates: Vec<Candidate>,
    pub next_page_token: Option<String>,
}

/// `POST /api/candidates/{id}/jobs`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCandidateJob {
    pub title: String,
    #[serde(default)]
    pub company: Option<String>,
    pub description: String,
}

/// A target job as the API shows it.
#[derive(Debug, Serialize)]
pub struct CandidateJob {
    pub id: i64,
    pub candidate_id: i64,
    pub title: String,
    pub company: Option<String>,
    pub description: String,
    pub created_at: Option<String>,
}

impl From<v1::CandidateJob> for CandidateJob {
    fn from(j: v1::CandidateJob) -> CandidateJob {
        let v1::CandidateJob { id, candidate_id, title, company, description, created_at } = j;
        CandidateJob { id, candidate_id, title, company, description, created_at: time(created_at) }
    }
}

/// `GET /api/candidates/{id}/jobs`.
#[derive(Debug, Serialize)]
pub struct CandidateJobList {
    pub jobs: Vec<CandidateJob>,
}

/// `POST /api/resume-async/generate-async`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generate {
    pub candidate_id: i64,
    #[serde(default)]
    pub job_row_id: Option<i64>,
    #[serde(default)]
    pub file_type: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
}

impl From<Generate> for v1::GenerateResumeRequest {
    fn from(g: Generate) -> v1::GenerateResumeRequest {
        let Generate { candidate_id, job_row_id, file_type, priority } = g;
        v1::GenerateResumeRequest {
            candidate_id,
            job_row_id,
            file_type: file_type.unwrap_or_default(),
            priority: priority.unwrap_or_default(),
        }
    }
}

/// A generation job as the API shows it.
#[derive(Debug, Serialize)]
pub struct Job {
    pub job_id: String,
    pub candidate_id: i64,
    pub job_row_id: Option<i64>,
    pub status: String,
    pub progress: i32,
    pub file_type: String,
    pub priority: String,
    pub result_url: Option<String>,
    pub filename: Option<String>,
    pub error_message: Option<String>,
    pub cache_hit: bool,
    pub attempts: i32,
    pub created_at: Option<String>,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub generation_ms: i64,
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
        }
    }
}

/// `GET /api/resume-async/my-jobs`.
#[derive(Debug, Serialize)]
pub struct JobList {
    pub jobs: Vec<Job>,
    pub next_page_token: Option<String>,
}

/// Query of the list routes.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub limit: Option<i32>,
    pub page_token: Option<String>,
    pub status: Option<String>,
    pub candidate_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc_with_z() {
        let t = prost_types::Timestamp { seconds: 1_795_860_000, nanos: 123_456_000 };
        assert_eq!(time(Some(t)).unwrap(), "2026-11-28T10:00:00.123456Z");
        assert_eq!(time(None), None);
    }

    #[test]
    fn a_candidate_round_trips_and_ignores_read_only_fields() {
        let body = r#"{"id": 9, "full_name": "Ada", "skills": ["Rust"], "created_at": "x",
            "experience": [{"company": "C", "title": "T", "start": "2020", "end": null}]}"#;
        let candidate: Candidate = serde_json::from_str(body).unwrap();
        let proto = v1::Candidate::from(candidate);
        assert_eq!(proto.id, 0);
        assert_eq!(proto.experience[0].end, None);
        let shown = serde_json::to_value(Candidate::from(proto)).unwrap();
        assert_eq!(shown["email"], serde_json::Value::Null);
        assert_eq!(shown["skills"][0], "Rust");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<Generate>(r#"{"candidate_id": 1, "colour": "red"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }
}
