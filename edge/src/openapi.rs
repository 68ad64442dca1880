//! The OpenAPI 3.1 document of the REST edge, generated from the routes themselves: each
//! handler's `#[utoipa::path]`, the JSON types' schemas and the error sets in
//! [`crate::error`], so that a route or field added to the code is in the document.

use std::{collections::BTreeSet, sync::OnceLock};

use serde_json::{Value, json};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
};

/// The document's frame: what it is, and how callers authenticate.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Resume service REST API",
        version = "1.0.0",
        description = "Asynchronous resume generation. Every route but healthz, readyz, auth/config and \
            this description needs `Authorization: Bearer <JWT>`: HS256 signed with `JWT_SECRET` \
            (with `sub` and `exp`; `roles` may hold `ops` or `admin` for the operators' routes), or \
            an RS256/ES256 access token of the OpenID Connect issuer that `GET /api/auth/config` \
            names (`iss` that issuer, `aud` its client id, `exp` ahead; roles from \
            `OIDC_ROLES_CLAIM`). Errors are \
            `{\"error\":{\"code\",\"message\"}}`, `code` being the gRPC status name."
    ),
    security(("bearerAuth" = [])),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    modifiers(&BearerAuth),
    tags(
        (name = "candidates", description = "Candidates and the jobs they target"),
        (name = "imports", description = "A candidate read from the resume the recruiter already has"),
        (name = "resumes", description = "Resume jobs: submit, follow, download, cancel"),
        (name = "openings", description = "A recruiter's openings: a posting written once, targeted by many candidates"),
        (name = "batches", description = "Many resume jobs as one: submit, follow, cancel, retry the failed, download as a ZIP"),
        (name = "usage", description = "What the caller's jobs cost, and their monthly budget"),
        (name = "admin", description = "Operators' views and actions: `ops` may read, `admin` may also act; every action is in the audit log"),
        (name = "auth", description = "How the app signs in (no token)"),
        (name = "health", description = "Liveness, readiness and this document (no token)"),
    )
)]
pub struct Frame;

/// The `bearerAuth` scheme every route refers to.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".into());
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearerAuth", SecurityScheme::Http(scheme));
    }
}

/// The document as served at `/api/openapi.json`, built once.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (_, api) = crate::routes().split_for_parts();
        let mut document = serde_json::to_value(api).expect("the OpenAPI document serializes");
        describe_events(&mut document);
        printable_text(&mut document);
        document.to_string()
    })
}

/// The event streams' schemas, which utoipa cannot state: in OpenAPI 3.1 the schema of
/// `text/event-stream` describes each event (its `event` and `data` fields); `data`
/// carries a Job as JSON (the operators' stream: a job, the queues or the workers), or the
/// error body in an `error` event.
fn describe_events(document: &mut serde_json::Value) {
    let stream = &mut document["paths"]["/api/resume-async/job-events/{job_id}"]["get"]["responses"]["200"]["content"]
        ["text/event-stream"];
    let data = |schema: &str| {
        json!({"type": "string", "contentMediaType": "application/json",
               "contentSchema": {"$ref": format!("#/components/schemas/{schema}")}})
    };
    let event = |name: &str, schema: &str| {
        json!({"type": "object", "required": ["event", "data"],
               "properties": {"event": {"const": name}, "data": data(schema)}})
    };
    stream["schema"] = json!({"oneOf": [event("progress", "Job"), event("error", "ErrorBody")]});
    let batch = &mut document["paths"]["/api/batches/{batch_id}/events"]["get"]["responses"]["200"]["content"]["text/event-stream"];
    batch["schema"] = json!({"oneOf": [event("progress", "Batch"), event("error", "ErrorBody")]});
    let admin = &mut document["paths"]["/api/admin/events"]["get"]["responses"]["200"]["content"]["text/event-stream"];
    admin["schema"] = json!({"oneOf": [
        event("job", "AdminJob"),
        event("queue", "QueueList"),
        event("worker", "WorkerList"),
        event("error", "ErrorBody"),
    ]});
}

/// The control characters no text field of a request takes (the server's rule: a tab and
/// line breaks are text, the rest of C0, DEL and C1 are not), as a regex class's inside.
const CONTROL: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";

/// States the server's rule for text in every request body: no text field (a string with a
/// `maxLength`: what the server checks as text; a field it ignores or reads otherwise, such
/// as a candidate's `created_at` or an import's pasted text, has none) of a schema a request
/// body refers to (directly or through another) takes a control character but a tab and
/// line breaks. Each field's own pattern is kept, made to exclude them: a pattern
/// anchored at both ends has them taken out of its `\S` and `[^…]` classes (a URL's, an
/// e-mail address's; a date's or an id's cannot match one), any other ("\S": not blank)
/// must match inside a string of printable characters; a field without one gets one.
fn printable_text(document: &mut Value) {
    let mut names = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    for operation in document["paths"].as_object().into_iter().flat_map(|p| p.values()) {
        for body in operation.as_object().into_iter().flat_map(|o| o.values()).filter_map(|o| o.get("requestBody")) {
            references(body, &mut pending);
        }
    }
    while let Some(name) = pending.pop() {
        if names.insert(name.clone()) {
            references(&document["components"]["schemas"][&name], &mut pending);
        }
    }
    for name in names {
        strings(&mut document["components"]["schemas"][&name]);
    }
}

/// The component schemas `value` refers to.
fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(name) =
                object.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                found.push(name.to_owned());
            }
            object.values().for_each(|v| references(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

/// Every text field in `schema` (a string with a `maxLength`, not an enum or a format) made
/// printable ([`printable_text`]).
fn strings(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else { return };
    let is_string = match object.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    let text = object.contains_key("maxLength") && !["enum", "format"].iter().any(|k| object.contains_key(*k));
    if is_string && text {
        let pattern = object.get("pattern").and_then(Value::as_str);
        object.insert("pattern".into(), printable(pattern).into());
    }
    for (key, value) in object.iter_mut() {
        match (key.as_str(), value) {
            ("properties", Value::Object(properties)) => properties.values_mut().for_each(strings),
            ("items" | "additionalProperties", value) => strings(value),
            ("oneOf" | "anyOf" | "allOf", Value::Array(options)) => options.iter_mut().for_each(strings),
            _ => {}
        }
    }
}

/// `pattern` (none: any text) matching no control character ([`CONTROL`]).
fn printable(pattern: Option<&str>) -> String {
    let classes = |p: &str| p.replace("[^", &format!("[^{CONTROL}")).replace(r"\S", &format!(r"[^\s{CONTROL}]"));
    match pattern {
        None => format!("^[^{CONTROL}]*$"),
        Some(p) if p.starts_with('^') && p.ends_with('$') => classes(p),
        Some(p) => format!("^[^{CONTROL}]*(?:{})[^{CONTROL}]*$", classes(p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        serde_json::from_str(document()).expect("valid JSON")
    }

    #[test]
    fn every_route_is_described_with_its_errors() {
        let doc = doc();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
        let routes = [
            ("get", "/api/healthz"),
            ("get", "/api/readyz"),
            ("get", "/api/openapi.json"),
            ("post", "/api/candidates"),
            ("get", "/api/candidates"),
            ("post", "/api/candidates/imports"),
            ("get", "/api/candidates/imports"),
            ("get", "/api/candidates/imports/{import_id}"),
            ("delete", "/api/candidates/imports/{import_id}"),
            ("get", "/api/candidates/imports/{import_id}/events"),
            ("get", "/api/candidates/{id}"),
            ("put", "/api/candidates/{id}"),
            ("delete", "/api/candidates/{id}"),
            ("delete", "/api/candidates/{id}/jobs/{job_row_id}"),
            ("put", "/api/candidates/{id}/jobs/{job_row_id}"),
            ("post", "/api/candidates/{id}/jobs"),
            ("get", "/api/candidates/{id}/jobs"),
            ("post", "/api/resume-async/generate-async"),
            ("get", "/api/resume-async/job-status/{job_id}"),
            ("get", "/api/resume-async/download/{job_id}"),
            ("get", "/api/resume-async/my-jobs"),
            ("get", "/api/resume-async/job-events/{job_id}"),
            ("post", "/api/resume-async/cancel/{job_id}"),
            ("get", "/api/resume-async/content/{job_id}"),
            ("get", "/api/resume-async/match/{job_id}"),
            ("post", "/api/resume-async/render"),
            ("post", "/api/openings"),
            ("get", "/api/openings"),
            ("get", "/api/openings/{id}"),
            ("put", "/api/openings/{id}"),
            ("delete", "/api/openings/{id}"),
            ("post", "/api/openings/{id}/batches"),
            ("post", "/api/batches"),
            ("get", "/api/batches"),
            ("get", "/api/batches/{batch_id}"),
            ("get", "/api/batches/{batch_id}/events"),
            ("post", "/api/batches/{batch_id}/cancel"),
            ("post", "/api/batches/{batch_id}/retry-failed"),
            ("get", "/api/batches/{batch_id}/download"),
            ("post", "/api/openings/{id}/batches/estimate"),
            ("post", "/api/batches/estimate"),
            ("get", "/api/me/usage"),
            ("get", "/api/admin/queues"),
            ("get", "/api/admin/workers"),
            ("get", "/api/admin/stats"),
            ("get", "/api/admin/jobs"),
            ("get", "/api/admin/jobs/{job_id}"),
            ("post", "/api/admin/jobs/{job_id}/retry"),
            ("post", "/api/admin/jobs/{job_id}/cancel"),
            ("post", "/api/admin/jobs/bulk"),
            ("post", "/api/admin/queues/{name}/pause"),
            ("post", "/api/admin/queues/{name}/resume"),
            ("get", "/api/admin/errors"),
            ("get", "/api/admin/audit"),
            ("get", "/api/admin/history"),
            ("get", "/api/admin/events"),
            ("get", "/api/admin/spending"),
            ("put", "/api/admin/users/{owner}/budget"),
            ("get", "/api/admin/batches"),
            ("get", "/api/auth/config"),
        ];
        for (method, path) in routes {
            let operation = &doc["paths"][path][method];
            assert!(operation.is_object(), "{method} {path} undocumented");
            assert!(operation["operationId"].is_string(), "{method} {path} has no operationId");
            let open = ["/api/healthz", "/api/readyz", "/api/openapi.json", "/api/auth/config"].contains(&path);
            if !open {
                for status in ["401", "429", "500", "503"] {
                    let schema = &operation["responses"][status]["content"]["application/json"]["schema"]["$ref"];
                    assert_eq!(schema, "#/components/schemas/ErrorBody", "{method} {path} {status}");
                }
            } else {
                assert_eq!(operation["security"], serde_json::json!([]), "{method} {path} needs no token");
            }
        }
        let operations: usize = doc["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(operations, routes.len());
        assert_eq!(doc["security"], serde_json::json!([{"bearerAuth": []}]));
        assert_eq!(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
    }

    #[test]
    fn schemas_state_the_servers_rules() {
        let doc = doc();
        let schemas = &doc["components"]["schemas"];
        let candidate = &schemas["Candidate"];
        assert_eq!(candidate["required"], serde_json::json!(["full_name"]));
        assert_eq!(candidate["additionalProperties"], false);
        assert_eq!(candidate["properties"]["full_name"]["maxLength"], 200);
        assert_eq!(schemas["Generate"]["properties"]["file_type"]["oneOf"][0]["$ref"], "#/components/schemas/FileType");
        assert_eq!(schemas["FileType"]["enum"], serde_json::json!(["word", "pdf", "text", "markdown"]));
        assert_eq!(schemas["ErrorDetail"]["required"], serde_json::json!(["code", "message"]));
        let events = &doc["paths"]["/api/resume-async/job-events/{job_id}"]["get"]["responses"]["200"]["content"]["text/event-stream"]
            ["schema"];
        assert_eq!(events["oneOf"][0]["properties"]["data"]["contentSchema"]["$ref"], "#/components/schemas/Job");
    }

    #[test]
    fn request_text_takes_no_control_character() {
        let doc = doc();
        let schemas = &doc["components"]["schemas"];
        let matches = |schema: &Value, text: &str| {
            let pattern = schema["pattern"].as_str().unwrap_or_else(|| panic!("no pattern: {schema}"));
            regex::Regex::new(pattern).unwrap().is_match(text)
        };
        let name = &schemas["Candidate"]["properties"]["full_name"];
        assert!(matches(name, "Ada Lovelace") && matches(name, "王小明") && matches(name, "Ada\tLovelace\r\n"));
        for refused in ["Ada\u{0}", "\u{7}Ada", "Ada\u{1b}[31m", "Ada\u{85}", "  "] {
            assert!(!matches(name, refused), "{refused:?}");
        }
        let email = &schemas["Candidate"]["properties"]["email"];
        assert!(matches(email, "ada@example.com") && !matches(email, "ada\u{0}@example.com"));
        let url = &schemas["NewOpening"]["properties"]["url"];
        assert!(matches(url, "https://example.com/jobs/42") && !matches(url, "https://example.com/\u{7f}"));
        let summary = &schemas["Candidate"]["properties"]["summary"];
        assert!(matches(summary, "") && matches(summary, "Two lines,\nand a tab\t.") && !matches(summary, "\u{c}"));
        assert!(!matches(&schemas["Highlight"], "Shipped\u{0}"), "a schema that is a string itself");
        let start = &schemas["Experience"]["properties"]["start"]["pattern"];
        assert_eq!(start, r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$", "a date's pattern cannot match a control character");
        assert_eq!(schemas["FileType"].get("pattern"), None, "an enum is no text");
        // Responses alone are left as they are, and what the server does not check as text.
        assert_eq!(schemas["Job"]["properties"]["status_text"].get("pattern"), None);
        assert_eq!(schemas["Candidate"]["properties"]["created_at"].get("pattern"), None);
        assert_eq!(schemas["ImportText"]["properties"]["text"].get("pattern"), None);
    }
}
