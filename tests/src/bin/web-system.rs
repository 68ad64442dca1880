//! `web-system`: a whole system for the web app's browser tests (web/e2e): server, one
//! worker on the fake model and the edge serving the built app (`WEB_DIR`, default
//! `web/dist`), on SQLite and the shared Redis, plus a control server the tests steer it
//! with. Prints one JSON line (`edge_url`, `control_url`) when ready; stops when its stdin
//! closes or on SIGTERM. `OIDC_ISSUER`, `OIDC_CLIENT_ID` and `OIDC_ROLES_CLAIM`, when set,
//! configure server and edge for that issuer (web/e2e/global-setup.ts starts one).
//!
//! Control routes (127.0.0.1 only): `GET /token?sub=&roles=` a token of that user (with
//! the comma-separated roles, e.g. `ops,admin`); `POST /latency?ms=[&tokens_per_s=]`
//! every model call's time to its first token (then the rest at once, or at that many
//! tokens a second); `POST /fail?status=&times=` the next main-section calls answer
//! that status; `GET /calls` how many model calls were made; `POST /text?type=pdf|docx`
//! the text of the document in the body.

use std::{collections::HashMap, time::Duration};

use anyhow::Result;
use axum::{
    Router,
    body::Bytes,
    extract::{Query, State},
    http::StatusCode,
    routing::{get, post},
};
use e2e::{
    Db, Options, System, docx_text,
    fake_model::{Call, FakeModel, Pace, Reply},
    pdf_text,
};

#[derive(Clone)]
struct Control {
    model: FakeModel,
    secret: String,
}

type Params = Query<HashMap<String, String>>;

fn number(params: &HashMap<String, String>, name: &str) -> Result<u64, (StatusCode, String)> {
    params.get(name).and_then(|v| v.parse().ok()).ok_or((StatusCode::BAD_REQUEST, format!("{name} must be a number")))
}

async fn token(State(control): State<Control>, Query(params): Params) -> Result<String, (StatusCode, String)> {
    let sub = params.get("sub").ok_or((StatusCode::BAD_REQUEST, "sub is required".to_owned()))?;
    let exp = chrono::Utc::now().timestamp() + 3600;
    let roles: Vec<&str> =
        params.get("roles").map(|r| r.split(',').filter(|r| !r.is_empty()).collect()).unwrap_or_default();
    Ok(e2e::sign(&control.secret, &serde_json::json!({"sub": sub, "exp": exp, "roles": roles})))
}

async fn latency(State(control): State<Control>, Query(params): Params) -> Result<(), (StatusCode, String)> {
    let first_token = Duration::from_millis(number(&params, "ms")?);
    let pace = match params.contains_key("tokens_per_s") {
        true => Pace::streaming(first_token, number(&params, "tokens_per_s")? as f64),
        false => Pace::fixed(first_token),
    };
    control.model.set_pace(pace);
    Ok(())
}

async fn fail(State(control): State<Control>, Query(params): Params) -> Result<(), (StatusCode, String)> {
    let status = u16::try_from(number(&params, "status")?).map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    let times = usize::try_from(number(&params, "times")?).map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    control.model.script_for(Call::Main, std::iter::repeat_n(Reply::Status(status, None), times));
    Ok(())
}

async fn calls(State(control): State<Control>) -> String {
    control.model.seen().len().to_string()
}

async fn text(Query(params): Params, body: Bytes) -> Result<String, (StatusCode, String)> {
    let read = match params.get("type").map(String::as_str) {
        Some("pdf") => pdf_text(&body),
        Some("docx") => docx_text(&body).map(|(text, _)| text),
        _ => return Err((StatusCode::BAD_REQUEST, "type must be pdf or docx".into())),
    };
    read.map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, format!("{e:#}")))
}

#[tokio::main]
async fn main() -> Result<()> {
    let _telemetry = runtime::process::init_logging("web-system");
    let model = FakeModel::start().await?;
    let web_dir = std::env::var("WEB_DIR").unwrap_or_else(|_| "web/dist".into());
    let options = Options {
        model_url: Some(model.url.clone()),
        retry_base_delay_ms: 200,
        max_attempts: 3,
        result_cache_ttl_secs: 3600,
        web_dir: Some(web_dir.into()),
        oidc: runtime::oidc::Settings {
            oidc_issuer: std::env::var("OIDC_ISSUER").ok(),
            oidc_client_id: std::env::var("OIDC_CLIENT_ID").ok(),
            oidc_roles_claim: std::env::var("OIDC_ROLES_CLAIM").unwrap_or_else(|_| "roles".into()),
        },
        ..Options::default()
    };
    let system = System::start_with(Db::Sqlite, 1, options).await?;
    let control = Control { model, secret: system.secret.clone() };
    let app = Router::new()
        .route("/token", get(token))
        .route("/latency", post(latency))
        .route("/fail", post(fail))
        .route("/calls", get(calls))
        .route("/text", post(text))
        .with_state(control);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let control_url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("{}", serde_json::json!({"edge_url": system.edge_url, "control_url": control_url}));

    let stdin_closed = tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin(), &mut std::io::sink()));
    tokio::select! {
        _ = stdin_closed => {}
        _ = runtime::process::shutdown_signal() => {}
    }
    system.stop().await
}
