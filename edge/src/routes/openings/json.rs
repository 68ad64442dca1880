//! The JSON of `/api/openings`: an opening as the API shows it and as it is written, the
//! list, the path, and their conversions to and from `resume.v1` messages.

use resume_proto::v1;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::json::time;

/// An opening to create, or an existing one's replacement (every field).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOpening {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S", example = "Backend Engineer")]
    pub title: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S", example = "Initech")]
    pub company: String,
    #[schema(min_length = 1, max_length = 20000, pattern = r"\S")]
    pub description: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S", example = "Berlin, Germany")]
    pub location: String,
    /// Where the posting is published.
    #[serde(default)]
    #[schema(max_length = 2048, pattern = r"^https?://\S+$", example = "https://example.com/jobs/42")]
    pub url: Option<String>,
}

impl From<NewOpening> for v1::Opening {
    fn from(o: NewOpening) -> v1::Opening {
        let NewOpening { title, company, description, location, url } = o;
        v1::Opening { id: 0, title, company, description, location, url, created_at: None }
    }
}

/// An opening as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Opening {
    pub id: i64,
    pub title: String,
    pub company: String,
    pub description: String,
    pub location: String,
    pub url: Option<String>,
    pub created_at: Option<String>,
}

impl From<v1::Opening> for Opening {
    fn from(o: v1::Opening) -> Opening {
        let v1::Opening { id, title, company, description, location, url, created_at } = o;
        Opening { id, title, company, description, location, url, created_at: time(created_at) }
    }
}

/// A page of openings, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpeningList {
    pub openings: Vec<Opening>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}

/// The path of the routes about one opening.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub struct OpeningPath {
    /// The opening's id.
    #[param(minimum = 1)]
    pub id: i64,
}
