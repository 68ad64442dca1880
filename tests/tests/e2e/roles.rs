//! The role matrix: every operators' REST route and every `AdminService` RPC, called with a
//! token of each role — a user (no role), `ops`, `admin`, `worker` — answers as the contract
//! says: reads are open to `ops` and `admin`, actions to `admin` alone, users and workers are
//! refused (403, PERMISSION_DENIED); the internal `WorkerService` takes `worker` tokens only.
//! The RPC table is checked against the compiled proto descriptor and the REST table against
//! the served OpenAPI document, so a new call cannot go untested.

use std::collections::BTreeSet;

use e2e::{Db, System};
use resume_proto::v1::{self, admin_service_client::AdminServiceClient, worker_service_client::WorkerServiceClient};
use serde_json::{Value, json};
use tonic::{Code, Request, transport::Channel};

/// Who calls.
#[derive(Debug, Clone, Copy)]
enum Role {
    /// A user token with no `roles` claim.
    User,
    Ops,
    Admin,
    Worker,
}

impl Role {
    const ALL: [Role; 4] = [Role::User, Role::Ops, Role::Admin, Role::Worker];

    /// A token of this role, signed with the system's secret.
    fn token(self, system: &System) -> String {
        match self {
            Role::User => system.token("role-user"),
            Role::Ops => system.token_with_roles("role-ops", &["ops"]),
            Role::Admin => system.token_with_roles("role-admin", &["admin"]),
            Role::Worker => system.token_with_roles("role-worker", &["worker"]),
        }
    }
}

/// Which roles a call is open to.
#[derive(Debug, Clone, Copy)]
enum Access {
    /// The operators' views: `ops` and `admin`.
    Read,
    /// Actions on jobs and queues: `admin` alone.
    Act,
    /// The workers' own calls: `worker` alone.
    Work,
}

impl Access {
    fn allows(self, role: Role) -> bool {
        matches!(
            (self, role),
            (Access::Read, Role::Ops | Role::Admin) | (Access::Act, Role::Admin) | (Access::Work, Role::Worker)
        )
    }
}

/// A job id no job has: calls about one job answer 404 / NOT_FOUND once they are let in.
const NO_JOB: &str = "00000000-0000-4000-8000-000000000000";

/// One admin REST route: its method and path as the OpenAPI document names them, who may
/// call it, and what it answers a caller who may (for [`NO_JOB`] and a real queue).
struct Route {
    method: &'static str,
    path: &'static str,
    access: Access,
    allowed: u16,
}

const fn route(method: &'static str, path: &'static str, access: Access, allowed: u16) -> Route {
    Route { method, path, access, allowed }
}

const ROUTES: &[Route] = &[
    route("get", "/api/admin/queues", Access::Read, 200),
    route("get", "/api/admin/workers", Access::Read, 200),
    route("get", "/api/admin/stats", Access::Read, 200),
    route("get", "/api/admin/jobs", Access::Read, 200),
    route("get", "/api/admin/jobs/{job_id}", Access::Read, 404),
    route("get", "/api/admin/history", Access::Read, 200),
    route("get", "/api/admin/errors", Access::Read, 200),
    route("get", "/api/admin/audit", Access::Read, 200),
    route("get", "/api/admin/events", Access::Read, 200),
    route("get", "/api/admin/spending", Access::Read, 200),
    route("get", "/api/admin/batches", Access::Read, 200),
    route("post", "/api/admin/jobs/{job_id}/retry", Access::Act, 404),
    route("post", "/api/admin/jobs/{job_id}/cancel", Access::Act, 404),
    route("post", "/api/admin/jobs/bulk", Access::Act, 200),
    route("post", "/api/admin/queues/{name}/pause", Access::Act, 200),
    route("post", "/api/admin/queues/{name}/resume", Access::Act, 200),
    route("put", "/api/admin/users/{owner}/budget", Access::Act, 200),
];

/// Every `AdminService` RPC: who may call it, and what it answers a caller who may.
const ADMIN_RPCS: &[(&str, Access, Code)] = &[
    ("ListQueues", Access::Read, Code::Ok),
    ("ListWorkers", Access::Read, Code::Ok),
    ("GetStats", Access::Read, Code::Ok),
    ("GetJobDetail", Access::Read, Code::NotFound),
    ("ListErrorGroups", Access::Read, Code::Ok),
    ("ListJobs", Access::Read, Code::Ok),
    ("GetHistory", Access::Read, Code::Ok),
    ("WatchEvents", Access::Read, Code::Ok),
    ("ListAuditEntries", Access::Read, Code::Ok),
    ("GetSpending", Access::Read, Code::Ok),
    ("ListRecentBatches", Access::Read, Code::Ok),
    ("RetryJob", Access::Act, Code::NotFound),
    ("CancelAnyJob", Access::Act, Code::NotFound),
    ("BulkJobs", Access::Act, Code::Ok),
    ("PauseQueue", Access::Act, Code::Ok),
    ("ResumeQueue", Access::Act, Code::Ok),
    ("SetUserBudget", Access::Act, Code::Ok),
];

/// Representative `WorkerService` RPCs, and what they answer a worker about [`NO_JOB`].
const WORKER_RPCS: &[(&str, Code)] = &[
    ("ClaimTask", Code::Ok),
    ("ReportProgress", Code::NotFound),
    ("FailTask", Code::NotFound),
    ("ScheduleRetry", Code::NotFound),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_admin_route_and_rpc_answers_each_role_as_the_contract_says() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 0).await?;
    let routes = ROUTES.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    assert_eq!(described_admin_routes(&system).await?, routes, "the table and the document differ");
    let rpcs = ADMIN_RPCS.iter().map(|(method, ..)| (*method).to_owned()).collect();
    let described = rpc_methods(resume_proto::FILE_DESCRIPTOR_SET, "resume.v1.AdminService");
    assert_eq!(described, rpcs, "the table and the proto differ");

    let channel = system.channel().await?;
    let mut wrong = Vec::new();
    for role in Role::ALL {
        let token = role.token(&system);
        for route in ROUTES {
            let expected = if route.access.allows(role) { route.allowed } else { 403 };
            let (status, code) = call_route(&system, route, &token).await?;
            let refused_as_contracted = status != 403 || code.as_deref() == Some("PERMISSION_DENIED");
            if status != expected || !refused_as_contracted {
                wrong.push(format!("{role:?} {} {}: {status} {code:?}, expected {expected}", route.method, route.path));
            }
        }
        for &(method, access, allowed) in ADMIN_RPCS {
            let expected = if access.allows(role) { allowed } else { Code::PermissionDenied };
            let code = call_admin(channel.clone(), method, &token).await;
            if code != expected {
                wrong.push(format!("{role:?} AdminService/{method}: {code:?}, expected {expected:?}"));
            }
        }
        for &(method, allowed) in WORKER_RPCS {
            let expected = if Access::Work.allows(role) { allowed } else { Code::PermissionDenied };
            let code = call_worker(channel.clone(), method, &token).await;
            if code != expected {
                wrong.push(format!("{role:?} WorkerService/{method}: {code:?}, expected {expected:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "calls answered against the role matrix:\n{}", wrong.join("\n"));
    system.stop().await
}

/// The `/api/admin` operations of the edge's OpenAPI document, as (method, path).
async fn described_admin_routes(system: &System) -> anyhow::Result<BTreeSet<(String, String)>> {
    let document: Value = system.http.get(system.url("/api/openapi.json")).send().await?.json().await?;
    let paths = document["paths"].as_object().ok_or_else(|| anyhow::anyhow!("no paths in {document}"))?;
    let mut described = BTreeSet::new();
    for (path, operations) in paths.iter().filter(|(path, _)| path.starts_with("/api/admin")) {
        for method in operations.as_object().into_iter().flat_map(|o| o.keys()) {
            described.insert((method.clone(), path.clone()));
        }
    }
    Ok(described)
}

/// Calls `route` with `token` (the job [`NO_JOB`], the queue `priority_high`, the user
/// `role-target`); the status and,
/// on a 403, the error code. An event stream is not read past its status.
async fn call_route(system: &System, route: &Route, token: &str) -> anyhow::Result<(u16, Option<String>)> {
    let path =
        route.path.replace("{job_id}", NO_JOB).replace("{name}", "priority_high").replace("{owner}", "role-target");
    let request = match route.method {
        "get" => system.http.get(system.url(&path)),
        "post" if path.ends_with("/bulk") => {
            // Counts, changes nothing.
            let body = json!({"action": "cancel", "filter": {"owner": "nobody"}, "dry_run": true});
            system.http.post(system.url(&path)).json(&body)
        }
        "post" => system.http.post(system.url(&path)).json(&json!({})),
        "put" => system.http.put(system.url(&path)).json(&json!({"monthly_budget_usd": 1})),
        other => anyhow::bail!("no request for method {other}"),
    };
    let response = request.bearer_auth(token).send().await?;
    let status = response.status().as_u16();
    if status != 403 {
        return Ok((status, None));
    }
    let body: Value = response.json().await?;
    Ok((status, body["error"]["code"].as_str().map(str::to_owned)))
}

/// `message` with `token` as its bearer.
fn authorized<T>(token: &str, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.metadata_mut().insert("authorization", format!("Bearer {token}").parse().expect("a token is ASCII"));
    request
}

/// The code an answer carries (`Ok` for a success).
fn code_of<T>(answer: Result<T, tonic::Status>) -> Code {
    answer.map_or_else(|status| status.code(), |_| Code::Ok)
}

/// Calls `AdminService/<method>` with `token`, about [`NO_JOB`] and `priority_high`.
async fn call_admin(channel: Channel, method: &str, token: &str) -> Code {
    let mut admin = AdminServiceClient::new(channel);
    let job_id = || NO_JOB.to_owned();
    let queue = || "priority_high".to_owned();
    match method {
        "ListQueues" => code_of(admin.list_queues(authorized(token, v1::ListQueuesRequest {})).await),
        "ListWorkers" => code_of(admin.list_workers(authorized(token, v1::ListWorkersRequest {})).await),
        "GetStats" => code_of(admin.get_stats(authorized(token, v1::GetStatsRequest {})).await),
        "GetJobDetail" => {
            code_of(admin.get_job_detail(authorized(token, v1::GetJobDetailRequest { job_id: job_id() })).await)
        }
        "ListErrorGroups" => {
            code_of(admin.list_error_groups(authorized(token, v1::ListErrorGroupsRequest::default())).await)
        }
        "ListJobs" => code_of(admin.list_jobs(authorized(token, v1::ListJobsRequest::default())).await),
        "GetHistory" => code_of(admin.get_history(authorized(token, v1::GetHistoryRequest::default())).await),
        // The stream's status only: it is dropped unread.
        "WatchEvents" => code_of(admin.watch_events(authorized(token, v1::WatchEventsRequest {})).await),
        "ListAuditEntries" => {
            code_of(admin.list_audit_entries(authorized(token, v1::ListAuditEntriesRequest::default())).await)
        }
        "RetryJob" => code_of(admin.retry_job(authorized(token, v1::RetryJobRequest { job_id: job_id() })).await),
        "CancelAnyJob" => {
            code_of(admin.cancel_any_job(authorized(token, v1::CancelAnyJobRequest { job_id: job_id() })).await)
        }
        "BulkJobs" => {
            let filter = v1::JobFilter { owner: Some("nobody".into()), ..Default::default() };
            let request = v1::BulkJobsRequest { action: "cancel".into(), filter: Some(filter), dry_run: true };
            code_of(admin.bulk_jobs(authorized(token, request)).await)
        }
        "PauseQueue" => code_of(admin.pause_queue(authorized(token, v1::PauseQueueRequest { name: queue() })).await),
        "ResumeQueue" => code_of(admin.resume_queue(authorized(token, v1::ResumeQueueRequest { name: queue() })).await),
        "GetSpending" => code_of(admin.get_spending(authorized(token, v1::GetSpendingRequest::default())).await),
        "ListRecentBatches" => {
            code_of(admin.list_recent_batches(authorized(token, v1::ListRecentBatchesRequest::default())).await)
        }
        "SetUserBudget" => {
            let request = v1::SetUserBudgetRequest { owner: "role-target".into(), monthly_budget_usd: Some(1.0) };
            code_of(admin.set_user_budget(authorized(token, request)).await)
        }
        other => panic!("the test has no call for AdminService/{other}"),
    }
}

/// Calls `WorkerService/<method>` with `token`, about [`NO_JOB`].
async fn call_worker(channel: Channel, method: &str, token: &str) -> Code {
    let mut worker = WorkerServiceClient::new(channel);
    let job_id = NO_JOB.to_owned();
    match method {
        "ClaimTask" => {
            let request = v1::ClaimTaskRequest { job_id, worker_id: "role-worker".into(), ..Default::default() };
            code_of(worker.claim_task(authorized(token, request)).await)
        }
        "ReportProgress" => {
            let request = v1::ReportProgressRequest { job_id, progress: 50, ..Default::default() };
            code_of(worker.report_progress(authorized(token, request)).await)
        }
        "FailTask" => {
            let request = v1::FailTaskRequest { job_id, error_message: "broken".into(), error_class: String::new() };
            code_of(worker.fail_task(authorized(token, request)).await)
        }
        "ScheduleRetry" => {
            let request = v1::ScheduleRetryRequest {
                job_id,
                error_message: "flaky".into(),
                retry_in_ms: 10,
                ..Default::default()
            };
            code_of(worker.schedule_retry(authorized(token, request)).await)
        }
        other => panic!("the test has no call for WorkerService/{other}"),
    }
}

/// The methods of `service` (`package.Service`) in an encoded `FileDescriptorSet`, read
/// with [`fields`] (this crate has no protobuf runtime of its own).
fn rpc_methods(descriptor_set: &[u8], service: &str) -> BTreeSet<String> {
    let text = |fields: &[(u64, &[u8])], number| {
        fields.iter().find(|(n, _)| *n == number).map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
    };
    let mut methods = BTreeSet::new();
    // FileDescriptorSet.file = 1; FileDescriptorProto.package = 2, .service = 6;
    // ServiceDescriptorProto.name = 1, .method = 2; MethodDescriptorProto.name = 1.
    for (_, file) in fields(descriptor_set).into_iter().filter(|(n, _)| *n == 1) {
        let file = fields(file);
        let package = text(&file, 2).unwrap_or_default();
        for (_, described) in file.iter().filter(|(n, _)| *n == 6) {
            let described = fields(described);
            if format!("{package}.{}", text(&described, 1).unwrap_or_default()) != service {
                continue;
            }
            for (_, method) in described.iter().filter(|(n, _)| *n == 2) {
                methods.insert(text(&fields(method), 1).unwrap_or_default());
            }
        }
    }
    methods
}

/// The length-delimited fields of one encoded protobuf message, as (number, bytes); the
/// other wire types are skipped.
fn fields(mut bytes: &[u8]) -> Vec<(u64, &[u8])> {
    let mut found = Vec::new();
    while !bytes.is_empty() {
        let key = varint(&mut bytes);
        match key & 7 {
            0 => {
                varint(&mut bytes);
            }
            1 => bytes = &bytes[8..],
            2 => {
                let len = varint(&mut bytes) as usize;
                let (field, rest) = bytes.split_at(len);
                found.push((key >> 3, field));
                bytes = rest;
            }
            5 => bytes = &bytes[4..],
            wire => panic!("wire type {wire} in a descriptor"),
        }
    }
    found
}

/// Reads one base-128 varint off the front of `bytes`.
fn varint(bytes: &mut &[u8]) -> u64 {
    let mut value = 0;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first().expect("a varint ends before its message");
        *bytes = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            break;
        }
    }
    value
}
