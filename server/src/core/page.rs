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

fn not_issued() -> Error {
    Error::InvalidArgument("page_token is not a token this API issued".into())
}

/// The key a token resumes after; `None` for an empty token (the first page).
pub fn after(token: &str) -> Result<Option<String>> {
    if token.is_empty() {
        return Ok(None);
    }
    URL_SAFE_NO_PAD.decode(token).ok().and_then(|bytes| String::from_utf8(bytes).ok()).map(Some).ok_or_else(not_issued)
}

/// The key a token resumes after, read by `parse` (a key it cannot read was not issued).
pub fn after_key<K>(token: &str, parse: impl FnOnce(&str) -> Option<K>) -> Result<Option<K>> {
    after(token)?.map(|key| parse(&key).ok_or_else(not_issued)).transpose()
}

/// `rows`, read with one more than `limit`, as a page and the next page's token (resuming
/// after the last row's `key`) when there are more.
pub fn split<T>(mut rows: Vec<T>, limit: u64, key: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
    let next = (rows.len() as u64 > limit).then(|| {
        rows.truncate(limit as usize);
        token(&rows.last().map(key).unwrap_or_default())
    });
    (rows, next)
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
    if let Some(after) = after_key(page_token, |key| validate::job_id(key).ok())? {
        query = query.filter(resume_job::Column::Id.lt(after));
    }
    let rows = query.order_by_desc(resume_job::Column::Id).limit(limit + 1).all(db).await?;
    Ok(split(rows, limit, |row| row.id.clone()))
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
        assert_eq!(after_key(&token("42"), |k| k.parse::<i64>().ok()).unwrap(), Some(42));
        assert!(after_key(&token("x"), |k| k.parse::<i64>().ok()).is_err());
    }

    #[test]
    fn a_page_has_a_next_token_only_when_more_rows_were_read() {
        assert_eq!(split(vec![1, 2, 3], 2, i32::to_string), (vec![1, 2], Some(token("2"))));
        assert_eq!(split(vec![1, 2], 2, i32::to_string), (vec![1, 2], None));
    }
}
