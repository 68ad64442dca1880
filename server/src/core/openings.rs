//! Openings: a recruiter's postings, written once. A candidate's target job may point at
//! one; it then holds a copy of the opening's title, company and description, which an
//! edit of the opening rewrites in the same transaction (so every reader of target jobs —
//! the cache keys, the worker's prompt — sees the posting as it is, unchanged).

use resume_proto::{time::to_timestamp, v1};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
    sea_query::Expr,
};

use crate::{
    AppState,
    core::{page, validate},
    db::{self, candidate_job, opening},
    error::{Error, Result},
};

/// The opening row as the API shows it.
pub fn to_proto(row: opening::Model) -> v1::Opening {
    let opening::Model { id, owner: _, title, company, description, location, url, created_at } = row;
    v1::Opening { id, title, company, description, location, url, created_at: Some(to_timestamp(created_at)) }
}

/// The validated fields of an opening: (title, company, description, location, url).
fn fields(o: v1::Opening) -> Result<(String, String, String, String, Option<String>)> {
    validate::opening(&o)?;
    let v1::Opening { id: _, title, company, description, location, url, created_at: _ } = o;
    Ok((title, company, description, location, url))
}

/// Stores a new opening for `owner`.
pub async fn create(state: &AppState, owner: &str, o: Option<v1::Opening>) -> Result<v1::Opening> {
    let (title, company, description, location, url) = fields(required(o)?)?;
    let row = opening::ActiveModel {
        owner: Set(owner.to_owned()),
        title: Set(title),
        company: Set(company),
        description: Set(description),
        location: Set(location),
        url: Set(url),
        created_at: Set(db::now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    tracing::info!(opening_id = row.id, "opening created");
    Ok(to_proto(row))
}

fn required(o: Option<v1::Opening>) -> Result<v1::Opening> {
    o.ok_or_else(|| Error::InvalidArgument("opening is required".into()))
}

/// `owner`'s opening `id`, or NOT_FOUND (another user's too).
pub async fn find(state: &AppState, owner: &str, id: i64) -> Result<opening::Model> {
    validate::positive_id("opening_id", id)?;
    opening::Entity::find_by_id(id)
        .filter(opening::Column::Owner.eq(owner))
        .one(&state.db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("opening {id} not found")))
}

/// `owner`'s opening `id` as the API shows it.
pub async fn get(state: &AppState, owner: &str, id: i64) -> Result<v1::Opening> {
    find(state, owner, id).await.map(to_proto)
}

/// One page of `owner`'s openings, newest first, and the next page's token.
pub async fn list(
    state: &AppState,
    owner: &str,
    limit: Option<i32>,
    page_token: &str,
) -> Result<(Vec<v1::Opening>, Option<String>)> {
    let limit = page::limit(limit)?;
    let mut query = opening::Entity::find().filter(opening::Column::Owner.eq(owner));
    if let Some(before) = page::after_key(page_token, |key| key.parse::<i64>().ok())? {
        query = query.filter(opening::Column::Id.lt(before));
    }
    let rows = query.order_by_desc(opening::Column::Id).limit(limit + 1).all(&state.db).await?;
    let (rows, next) = page::split(rows, limit, |row| row.id.to_string());
    Ok((rows.into_iter().map(to_proto).collect(), next))
}

/// Replaces every field of `owner`'s opening `id`, and the copy every target job pointing
/// at it holds, in one transaction.
pub async fn update(state: &AppState, owner: &str, id: i64, o: Option<v1::Opening>) -> Result<v1::Opening> {
    let (title, company, description, location, url) = fields(required(o)?)?;
    let row = find(state, owner, id).await?;
    let txn = state.db.begin().await?;
    let mut row: opening::ActiveModel = row.into();
    row.title = Set(title.clone());
    row.company = Set(company.clone());
    row.description = Set(description.clone());
    row.location = Set(location);
    row.url = Set(url);
    let row = row.update(&txn).await?;
    let targets = candidate_job::Entity::update_many()
        .col_expr(candidate_job::Column::Title, Expr::value(title))
        .col_expr(candidate_job::Column::Company, Expr::value(Some(company)))
        .col_expr(candidate_job::Column::Description, Expr::value(description))
        .filter(candidate_job::Column::OpeningId.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    tracing::info!(opening_id = id, targets = targets.rows_affected, "opening edited");
    Ok(to_proto(row))
}

/// Deletes `owner`'s opening `id`; its target jobs and batches stay (the schema sets
/// their `opening_id` NULL).
pub async fn delete(state: &AppState, owner: &str, id: i64) -> Result<()> {
    find(state, owner, id).await?;
    opening::Entity::delete_by_id(id).exec(&state.db).await?;
    tracing::info!(opening_id = id, "opening deleted");
    Ok(())
}
