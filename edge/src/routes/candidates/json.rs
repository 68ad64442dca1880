//! The JSON of `/api/candidates`: a candidate with the facts of their profile (links,
//! roles, degrees, certifications, which a resume's content reuses), their target jobs,
//! the routes' paths, and the conversions of each to and from `resume.v1` messages.

use resume_proto::v1;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::json::{integer, rules, time};

/// A link shown in the contact line.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S", example = "GitHub")]
    pub label: String,
    #[schema(max_length = 2048, pattern = r"^https?://\S+$", example = "https://github.com/ada")]
    pub url: String,
}

/// One role; `end` null while current.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Experience {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub company: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub location: Option<String>,
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$", example = "2020-01")]
    pub start: String,
    /// Not before `start`.
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$")]
    pub end: Option<String>,
    #[serde(default)]
    #[schema(value_type = Vec<rules::Highlight>, max_items = 30)]
    pub highlights: Vec<String>,
}

impl From<Experience> for v1::Experience {
    fn from(e: Experience) -> v1::Experience {
        let Experience { company, title, location, start, end, highlights } = e;
        v1::Experience { company, title, location, start, end, highlights }
    }
}

impl From<v1::Experience> for Experience {
    fn from(e: v1::Experience) -> Experience {
        let v1::Experience { company, title, location, start, end, highlights } = e;
        Experience { company, title, location, start, end, highlights }
    }
}

/// One degree or course.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Education {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub institution: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub degree: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub field: Option<String>,
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$")]
    pub start: Option<String>,
    /// Not before `start`.
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$")]
    pub end: Option<String>,
}

impl From<Education> for v1::Education {
    fn from(e: Education) -> v1::Education {
        let Education { institution, degree, field, start, end } = e;
        v1::Education { institution, degree, field, start, end }
    }
}

impl From<v1::Education> for Education {
    fn from(e: v1::Education) -> Education {
        let v1::Education { institution, degree, field, start, end } = e;
        Education { institution, degree, field, start, end }
    }
}

/// One certification.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub issuer: Option<String>,
    #[serde(default, deserialize_with = "integer::optional")]
    #[schema(minimum = 1900, maximum = 2100)]
    pub year: Option<i32>,
}

impl From<Certification> for v1::Certification {
    fn from(c: Certification) -> v1::Certification {
        let Certification { name, issuer, year } = c;
        v1::Certification { name, issuer, year }
    }
}

impl From<v1::Certification> for Certification {
    fn from(c: v1::Certification) -> Certification {
        let v1::Certification { name, issuer, year } = c;
        Certification { name, issuer, year }
    }
}

/// A candidate as the API shows it, and (without `id` and `created_at`, which are
/// ignored when sent) as it is created.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// Given by the server; ignored when sent.
    #[serde(default, deserialize_with = "integer::optional")]
    pub id: Option<i64>,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S", example = "Ada Lovelace")]
    pub full_name: String,
    #[serde(default)]
    #[schema(max_length = 254, pattern = r"^[^@\s]+@[^\s.]\S*\.\S*[^\s.]$", example = "ada@example.com")]
    pub email: Option<String>,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    /// Decides the PDF's paper: US Letter in the US or Canada, A4 elsewhere.
    #[serde(default)]
    #[schema(max_length = 200, example = "London, UK")]
    pub location: Option<String>,
    #[serde(default)]
    #[schema(max_length = 300)]
    pub headline: Option<String>,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub summary: Option<String>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub links: Vec<Link>,
    #[serde(default)]
    #[schema(value_type = Vec<rules::Skill>, max_items = 100)]
    pub skills: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub experience: Vec<Experience>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub education: Vec<Education>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub certifications: Vec<Certification>,
    /// Given by the server (RFC 3339, UTC); ignored when sent.
    #[serde(default)]
    pub created_at: Option<String>,
    /// On create only: the `SUCCESS` import this candidate was reviewed from. It is marked
    /// accepted with the new candidate's id, and its uploaded file deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_id: Option<String>,
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
            import_id: _,
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
            experience: experience.into_iter().map(v1::Experience::from).collect(),
            education: education.into_iter().map(v1::Education::from).collect(),
            certifications: certifications.into_iter().map(v1::Certification::from).collect(),
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
            experience: experience.into_iter().map(Experience::from).collect(),
            education: education.into_iter().map(Education::from).collect(),
            certifications: certifications.into_iter().map(Certification::from).collect(),
            created_at: time(created_at),
            import_id: None,
        }
    }
}

/// A page of candidates, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateList {
    pub candidates: Vec<Candidate>,
    pub next_page_token: Option<String>,
}

/// The path of the routes about one candidate.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub struct CandidatePath {
    /// The candidate's id.
    #[param(minimum = 1)]
    pub id: i64,
}

/// The path of the routes about one target job of a candidate.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub struct CandidateJobPath {
    /// The candidate's id.
    #[param(minimum = 1)]
    pub id: i64,
    /// The target job's id.
    #[param(minimum = 1)]
    pub job_row_id: i64,
}

/// A target job to add, or an existing one's replacement text: the job a resume is
/// tailored to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCandidateJob {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S", example = "Backend Engineer")]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub company: Option<String>,
    #[schema(min_length = 1, max_length = 20000, pattern = r"\S")]
    pub description: String,
}

/// A target job that points at one of the caller's openings: it copies the opening's
/// title, company and description, and follows the opening's edits.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpeningTarget {
    #[serde(deserialize_with = "integer::required")]
    #[schema(minimum = 1)]
    pub opening_id: i64,
}

/// A target job to add: its own text, or an opening's.
#[derive(Debug, ToSchema)]
#[serde(untagged)]
pub enum NewTarget {
    Text(NewCandidateJob),
    Opening(OpeningTarget),
}

/// A body with `opening_id` is an opening's target (and nothing else); any other, a text's,
/// so that its errors name the text's fields (serde's untagged enums say only that nothing
/// matched).
impl<'de> Deserialize<'de> for NewTarget {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<NewTarget, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(deserializer)?;
        // The field's name stays in the message, as the request's other errors say it.
        let named = |error: serde_path_to_error::Error<serde_json::Error>| match error.path().to_string().as_str() {
            "." => D::Error::custom(error.into_inner()),
            path => D::Error::custom(format!("{path}: {}", error.into_inner())),
        };
        if value.get("opening_id").is_some() {
            serde_path_to_error::deserialize(value).map(NewTarget::Opening).map_err(named)
        } else {
            serde_path_to_error::deserialize(value).map(NewTarget::Text).map_err(named)
        }
    }
}

/// A target job as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateJob {
    pub id: i64,
    pub candidate_id: i64,
    pub title: String,
    pub company: Option<String>,
    pub description: String,
    pub created_at: Option<String>,
    /// The opening whose text it copies; null for a target job written for this candidate.
    pub opening_id: Option<i64>,
}

impl From<v1::CandidateJob> for CandidateJob {
    fn from(j: v1::CandidateJob) -> CandidateJob {
        let v1::CandidateJob { id, candidate_id, title, company, description, created_at, opening_id } = j;
        CandidateJob { id, candidate_id, title, company, description, created_at: time(created_at), opening_id }
    }
}

/// A candidate's target jobs.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateJobList {
    pub jobs: Vec<CandidateJob>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_target_is_an_openings_or_text_and_its_errors_name_the_field() {
        let parse = |body: &str| crate::extract::parse::<NewTarget>(body.as_bytes());
        assert!(matches!(parse(r#"{"opening_id": 3}"#), Ok(NewTarget::Opening(OpeningTarget { opening_id: 3 }))));
        assert!(matches!(parse(r#"{"title": "T", "description": "D"}"#), Ok(NewTarget::Text(_))));
        let message = |body: &str| parse(body).unwrap_err().message;
        assert_eq!(
            message(r#"{"title": 5, "description": "D"}"#),
            "title: invalid type: integer `5`, expected a string"
        );
        assert!(
            message(r#"{"opening_id": 3, "title": "T"}"#).contains("unknown field `title`"),
            "{}",
            message(r#"{"opening_id": 3, "title": "T"}"#)
        );
        assert!(message(r#"{"description": "D"}"#).contains("missing field `title`"));
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
}
