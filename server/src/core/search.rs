//! Searching every user's jobs: a [`v1::JobFilter`] as one SQL condition (the same for a
//! page of results and for a bulk action), and keyset pages of what it matches, newest
//! first. Ids are UUIDv7s, so the id alone orders and pages the list: a page is an index
//! range scan from the last id seen, the same cost on page 1 and page 10,000.

use resume_proto::{job::JobStatus, redis::Queue, v1};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
};

use crate::{
    AppState,
    core::{page, validate, view},
    db::{job_event, resume_job},
    error::{Error, Result},
};

/// `filter` with its empty text values unset: an empty value is no condition (the
/// contract's rule, over REST and gRPC alike: an empty field of a search form).
fn set_only(filter: &v1::JobFilter) -> v1::JobFilter {
    let v1::JobFilter { status, owner, candidate_id, queue, worker, error_group, q, since, until } = filter;
    let set = |value: &Option<String>| value.clone().filter(|text| !text.is_empty());
    v1::JobFilter {
        status: set(status),
        owner: set(owner),
        candidate_id: *candidate_id,
        queue: set(queue),
        worker: set(worker),
        error_group: set(error_group),
        q: set(q),
        since: *since,
        until: *until,
    }
}

/// The condition `filter` sets on job rows; every field set must hold.
pub fn condition(filter: &v1::JobFilter) -> Result<Condition> {
    let v1::JobFilter { status, owner, candidate_id, queue, worker, error_group, q, since, until } = &set_only(filter);
    let mut all = Condition::all();
    if let Some(status) = status {
        let status: JobStatus = status.parse().map_err(Error::InvalidArgument)?;
        all = all.add(resume_job::Column::Status.eq(status));
    }
    if let Some(owner) = owner {
        all = all.add(resume_job::Column::Owner.eq(owner.as_str()));
    }
    if let Some(candidate_id) = *candidate_id {
        validate::positive_id("candidate_id", candidate_id)?;
        all = all.add(resume_job::Column::CandidateId.eq(candidate_id));
    }
    if let Some(queue) = queue {
        let queue = Queue::named(queue).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "queue must be \"{}\" or \"{}\"",
                Queue::PriorityHigh.name(),
                Queue::ResumeGeneration.name()
            ))
        })?;
        all = all.add(resume_job::Column::Priority.eq(queue.priority().as_str()));
    }
    if let Some(worker) = worker {
        all = all.add(resume_job::Column::Worker.eq(worker.as_str()));
    }
    if let Some(group) = error_group {
        if group.len() != 16 || !group.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(Error::InvalidArgument("error_group must be an error group's id".into()));
        }
        let jobs_in_group = Query::select()
            .column(job_event::Column::JobId)
            .from(job_event::Entity)
            .and_where(job_event::Column::ErrorGroup.eq(group.as_str()))
            .to_owned();
        all = all.add(resume_job::Column::Id.in_subquery(jobs_in_group));
    }
    if let Some(text) = q.as_deref() {
        validate::optional("q", Some(text), 200)?;
        let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
        let message = Func::lower(Expr::col(resume_job::Column::ErrorMessage));
        all = all.add(Expr::expr(message).like(LikeExpr::new(pattern).escape('\\')));
    }
    if let Some(since) = validate::time("since", *since)? {
        all = all.add(resume_job::Column::CreatedAt.gte(since));
    }
    if let Some(until) = validate::time("until", *until)? {
        all = all.add(resume_job::Column::CreatedAt.lt(until));
    }
    Ok(all)
}

/// `text` with LIKE's wildcards (and the escape character) matching only themselves.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// `filter` as the audit log shows it: `key=value` pairs joined by `&`, in the filter's
/// field order; `all jobs` for an empty filter.
pub fn describe(filter: &v1::JobFilter) -> String {
    let v1::JobFilter { status, owner, candidate_id, queue, worker, error_group, q, since, until } = &set_only(filter);
    let time = |t: &Option<prost_types::Timestamp>| {
        t.as_ref().and_then(resume_proto::time::from_timestamp).map(|t| t.to_rfc3339())
    };
    let pairs = [
        ("status", status.clone()),
        ("owner", owner.clone()),
        ("candidate_id", candidate_id.map(|id| id.to_string())),
        ("queue", queue.clone()),
        ("worker", worker.clone()),
        ("error_group", error_group.clone()),
        ("q", q.clone()),
        ("since", time(since)),
        ("until", time(until)),
    ];
    let shown: Vec<String> = pairs.into_iter().filter_map(|(key, value)| Some(format!("{key}={}", value?))).collect();
    if shown.is_empty() { "all jobs".to_owned() } else { shown.join("&") }
}

/// One page of the jobs `req.filter` matches, newest first, and the next page's token.
pub async fn jobs(state: &AppState, req: v1::ListJobsRequest) -> Result<(Vec<v1::AdminJob>, Option<String>)> {
    let v1::ListJobsRequest { filter, limit, page_token } = req;
    let query = resume_job::Entity::find().filter(condition(&filter.unwrap_or_default())?);
    let (rows, next) = page::of_jobs(&state.db, query, limit, &page_token).await?;
    Ok((rows.into_iter().map(view::to_admin).collect(), next))
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, QueryOrder, QuerySelect, QueryTrait, Statement};

    use super::*;
    use crate::db::testing::temp_db;

    #[test]
    fn like_wildcards_match_only_themselves() {
        assert_eq!(escape_like(r"50%_off\now"), r"50\%\_off\\now");
    }

    #[test]
    fn filters_are_described_in_order_and_bad_values_named() {
        let filter =
            v1::JobFilter { status: Some("FAILURE".into()), queue: Some("priority_high".into()), ..Default::default() };
        assert_eq!(describe(&filter), "status=FAILURE&queue=priority_high");
        assert_eq!(describe(&v1::JobFilter::default()), "all jobs");
        let bad = |filter: v1::JobFilter| condition(&filter).unwrap_err().to_string();
        assert!(bad(v1::JobFilter { status: Some("DONE".into()), ..Default::default() }).contains("status"));
        assert!(bad(v1::JobFilter { queue: Some("q".into()), ..Default::default() }).starts_with("queue must be"));
        assert!(bad(v1::JobFilter { error_group: Some("x".into()), ..Default::default() }).contains("error_group"));
        assert!(bad(v1::JobFilter { candidate_id: Some(0), ..Default::default() }).contains("candidate_id"));
        // An empty text value is no condition: valid, and not shown.
        let empty = || Some(String::new());
        let unset = v1::JobFilter {
            status: empty(),
            owner: empty(),
            queue: empty(),
            worker: empty(),
            error_group: empty(),
            q: empty(),
            ..Default::default()
        };
        assert_eq!(describe(&unset), "all jobs");
        assert_eq!(
            format!("{:?}", condition(&unset).unwrap()),
            format!("{:?}", condition(&v1::JobFilter::default()).unwrap())
        );
    }

    /// SQLite's plan for a deep page: a range scan of an index in id order, with no sort
    /// of the matches (which would make a late page cost what all earlier ones did).
    #[tokio::test]
    async fn a_deep_page_is_an_index_range_without_a_sort() {
        let t = temp_db().await;
        let after = "01890000-0000-7000-8000-000000000000";
        for filter in [
            v1::JobFilter::default(),
            v1::JobFilter { status: Some("FAILURE".into()), ..Default::default() },
            v1::JobFilter { owner: Some("u".into()), ..Default::default() },
        ] {
            let query = resume_job::Entity::find()
                .filter(condition(&filter).unwrap())
                .filter(resume_job::Column::Id.lt(after))
                .order_by_desc(resume_job::Column::Id)
                .limit(21)
                .build(t.db.get_database_backend());
            let explain = Statement::from_sql_and_values(
                t.db.get_database_backend(),
                format!("EXPLAIN QUERY PLAN {}", query.sql),
                query.values.map(|v| v.0).unwrap_or_default(),
            );
            let plan: Vec<String> =
                t.db.query_all_raw(explain)
                    .await
                    .unwrap()
                    .iter()
                    .map(|row| row.try_get::<String>("", "detail").unwrap())
                    .collect();
            let plan = plan.join("; ");
            assert!(plan.contains("USING INDEX") || plan.contains("USING PRIMARY KEY"), "{filter:?}: {plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{filter:?} sorts its matches: {plan}");
        }
    }
}
