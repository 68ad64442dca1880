//! OpenID Connect access tokens beside HS256 ones, against a real provider
//! (`oidc-provider`, [`e2e::oidc`]): its RS256 and ES256 tokens are accepted over REST and
//! gRPC, with its `sub` as the owner and its roles claim mapped to ours; a token for
//! another audience, an expired one, a tampered one are 401; a rotated key is fetched when
//! a token names it; HS256 tokens go on working beside them.

use e2e::{
    Db, Options, PATIENCE, System, eventually,
    oidc::{Provider, Resource},
    sample_candidate,
};
use resume_proto::v1::{self, admin_service_client::AdminServiceClient, resume_service_client::ResumeServiceClient};
use serde_json::Value;
use tonic::{Code, Request};

/// `GET path` with `token`; the status and the JSON answer.
async fn get(system: &System, token: &str, path: &str) -> anyhow::Result<(u16, Value)> {
    let response = system.http.get(system.url(path)).bearer_auth(token).send().await?;
    Ok((response.status().as_u16(), response.json().await.unwrap_or(Value::Null)))
}

/// A gRPC request carrying `token`.
fn call<T>(token: &str, message: T) -> anyhow::Result<Request<T>> {
    let mut request = Request::new(message);
    request.metadata_mut().insert("authorization", format!("Bearer {token}").parse()?);
    Ok(request)
}

async fn system_on(provider: &Provider) -> anyhow::Result<System> {
    let options = Options { oidc: provider.settings(), ..Options::default() };
    System::start_with(Db::Sqlite, 0, options).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_providers_tokens_are_accepted_beside_hs256_ones() -> anyhow::Result<()> {
    let provider = Provider::start().await?;
    let system = system_on(&provider).await?;
    let user = provider.token("robot-user", Resource::Api).await?;

    // REST: the provider's `sub` owns what its token creates.
    let created = system.http.post(system.url("/api/candidates")).bearer_auth(&user).json(&sample_candidate());
    let created: Value = created.send().await?.json().await?;
    let id = created["id"].as_i64().unwrap_or_else(|| panic!("not created: {created}"));
    let (status, list) = get(&system, &user, "/api/candidates").await?;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["candidates"].as_array().map(Vec::len), Some(1), "{list}");
    // ES256 as well as RS256, same user.
    let es256 = provider.token("robot-user", Resource::ApiEs256).await?;
    assert_eq!(get(&system, &es256, &format!("/api/candidates/{id}")).await?.0, 200);

    // gRPC takes the same token.
    let mut resumes = ResumeServiceClient::new(system.channel().await?);
    resumes.list_my_jobs(call(&user, v1::ListMyJobsRequest::default())?).await?;

    // HS256 tokens still work, as a user of their own who does not see the other's rows.
    let (status, theirs) = system.get("alice", "/api/candidates").await?;
    assert_eq!((status, theirs["candidates"].as_array().map(Vec::len)), (200, Some(0)), "{theirs}");
    assert_eq!(system.get("alice", &format!("/api/candidates/{id}")).await?.0, 404);

    // The roles claim: the ops robot reads the operators' views, may not act; the plain
    // user may do neither.
    let ops = provider.token("robot-ops", Resource::Api).await?;
    assert_eq!(get(&system, &ops, "/api/admin/queues").await?.0, 200);
    let (status, body) = get(&system, &user, "/api/admin/queues").await?;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("PERMISSION_DENIED")), "{body}");
    let pause = system.http.post(system.url("/api/admin/queues/priority_high/pause")).bearer_auth(&ops);
    assert_eq!(pause.send().await?.status(), 403);
    let mut admin = AdminServiceClient::new(system.channel().await?);
    admin.list_queues(call(&ops, v1::ListQueuesRequest::default())?).await?;
    let refused = admin.list_queues(call(&user, v1::ListQueuesRequest::default())?).await.unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_audience_expired_and_tampered_tokens_are_refused() -> anyhow::Result<()> {
    let provider = Provider::start().await?;
    let system = system_on(&provider).await?;
    let mut resumes = ResumeServiceClient::new(system.channel().await?);

    let other = provider.token("robot-ops", Resource::OtherApi).await?;
    let (status, body) = get(&system, &other, "/api/candidates").await?;
    assert_eq!(status, 401, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("audience")), "{body}");
    let refused = resumes.list_my_jobs(call(&other, v1::ListMyJobsRequest::default())?).await.unwrap_err();
    assert_eq!(refused.code(), Code::Unauthenticated);

    // The plain user's token with the ops robot's claims: the signature does not hold.
    let user: Vec<String> = provider.token("robot-user", Resource::Api).await?.split('.').map(str::to_owned).collect();
    let ops: Vec<String> = provider.token("robot-ops", Resource::Api).await?.split('.').map(str::to_owned).collect();
    let forged = format!("{}.{}.{}", user[0], ops[1], user[2]);
    let (status, body) = get(&system, &forged, "/api/admin/queues").await?;
    assert_eq!((status, body["error"]["message"].as_str()), (401, Some("token signature is invalid")), "{body}");

    // A token that lives two seconds is refused once it has expired.
    let short = provider.token("robot-user", Resource::ApiShortLived).await?;
    let body = eventually("the short-lived token to expire", PATIENCE, || async {
        let (status, body) = get(&system, &short, "/api/candidates").await?;
        Ok((status == 401).then_some(body))
    })
    .await?;
    assert_eq!(body["error"]["message"], "token expired", "{body}");
    let refused = resumes.list_my_jobs(call(&short, v1::ListMyJobsRequest::default())?).await.unwrap_err();
    assert_eq!(refused.code(), Code::Unauthenticated);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_key_is_fetched_when_a_token_names_it() -> anyhow::Result<()> {
    let provider = Provider::start().await?;
    let system = system_on(&provider).await?;
    let before = provider.token("robot-user", Resource::Api).await?;
    assert_eq!(get(&system, &before, "/api/candidates").await?.0, 200);

    let kid = provider.rotate().await?;
    let after = provider.token("robot-user", Resource::Api).await?;
    let header = after.split('.').next().unwrap_or_default();
    let header: Value = serde_json::from_slice(&base64_url(header)?)?;
    assert_eq!(header["kid"], kid.as_str());
    // Within the refetch cooldown the new key may not be fetched yet; it is soon after.
    eventually("the token signed with the new key to be accepted", PATIENCE, || async {
        Ok((get(&system, &after, "/api/candidates").await?.0 == 200).then_some(()))
    })
    .await?;
    // The old key is still published, so its tokens still work.
    assert_eq!(get(&system, &before, "/api/candidates").await?.0, 200);
    system.stop().await
}

fn base64_url(text: &str) -> anyhow::Result<Vec<u8>> {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    Ok(URL_SAFE_NO_PAD.decode(text)?)
}
