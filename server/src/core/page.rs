//! Page sizes and opaque page tokens for keyset pagination.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect, Select};

use crate::{
    core::validate,
    db::resume_job,
    error::{Error, Result},
};

/// The page size when the request names none.
pub const DEFAULT_LIMIT: u64 = 20;
/// The largest page a request may ask for.
pub const MAX_LIMIT: u64 = 100;

/// The page size a request asked for, or the default.
pub fn limit(requested: Option<i32>) -> Result<u64> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if n >= 1 && i64::from(n) <= MAX_LIMIT as i64 => Ok(n as u64),
        Some(_) => Err(Error::InvalidArgument(format!("limit must be between 1 and {MAX_LIMIT}"))),
    }
}

/// The token that resumes a listing after the row with this key.
pub fn token(last_key: &str) -> String {
    URL_SAFE_NO_PAD.encode(last_key)
}

/// The key a token resumes after; `None` for an empty token (the first page).
pub fn after(token: &str) -> Result<Option<String>> {
    if token.is_empty() {
        return Ok(None);
    }
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(Some)
        .ok_or_else(|| Error::InvalidArgument("page_token is not a token this API issued".into()))
}

/// One page of the job rows `query` selects, newest first, resuming after the job a
/// `page_token` names, and the next page's token. UUIDv7 ids sort by creation time, so the
/// id alone orders and pages the list.
pub async fn of_jobs(
    db: &DatabaseConnection,
    query: Select<resume_job::Entity>,
    limit: Option<i32>,
    page_token: &str,
) -> Result<(Vec<resume_job::Model>, Option<String>)> {
    let limit = self::limit(limit)?;
    let mut query = query;
    if let Some(after) = after(page_token)? {
        let after = validate::job_id(&after)
            .map_err(|_| Error::InvalidArgument("page_token is not a token this API issued".into()))?;
        query = query.filter(resume_job::Column::Id.lt(after));
    }
    let mut rows = query.order_by_desc(resume_job::Column::Id).limit(limit + 1).all(db).await?;
    let next = (rows.len() as u64 > limit).then(|| {
        rows.truncate(limit as usize);
        token(rows.last().map(|r| r.id.as_str()).unwrap_or_default())
    });
    Ok((rows, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_default_and_are_bounded() {
        assert_eq!(limit(None).unwrap(), 20);
        assert_eq!(limit(Some(100)).unwrap(), 100);
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(101)).is_err());
        assert!(limit(Some(-1)).is_err());
    }

    #[test]
    fn tokens_round_trip_and_garbage_is_refused() {
        assert_eq!(after(&token("42")).unwrap().as_deref(), Some("42"));
        assert_eq!(after("").unwrap(), None);
        assert!(after("!!!").is_err());
    }
}
