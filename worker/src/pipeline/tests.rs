//! The pipeline's decisions, without Redis, a server or a model: what follows a failed
//! attempt, what a parked task carries, when the task rate limit holds a task back, and
//! where a resume comes from as the caches and the generation lock answer.

use fred::error::{Error, ErrorKind};

use super::*;

const POLICY: RetryPolicy = RetryPolicy { base_delay: Duration::from_secs(4), max_attempts: 3 };

fn unavailable(retry_after: Option<Duration>) -> ModelError {
    ModelError::Transient { reason: "HTTP 503".into(), retry_after }
}

fn answer(call: &str) -> v1::ModelAnswer {
    v1::ModelAnswer {
        call: call.into(),
        reply: "{}".into(),
        prompt_tokens: 120,
        completion_tokens: 30,
        ..Default::default()
    }
}

fn down() -> Error {
    Error::new(ErrorKind::IO, "connection refused")
}

#[test]
fn writing_moves_progress_from_the_claim_to_the_content_never_past_it() {
    assert_eq!(generating(0.0), CLAIMED);
    assert_eq!(generating(0.5), 47);
    assert_eq!(generating(1.0), CONTENT_READY);
    assert_eq!(generating(1.5), CONTENT_READY);
}

#[test]
fn delays_double_from_the_base_and_honour_retry_after() {
    assert_eq!(POLICY.delay(1, None), Duration::from_secs(4));
    assert_eq!(POLICY.delay(2, None), Duration::from_secs(8));
    assert_eq!(POLICY.delay(1, Some(Duration::from_secs(30))), Duration::from_secs(30));
    assert_eq!(POLICY.delay(2, Some(Duration::from_secs(1))), Duration::from_secs(8));
}

#[test]
fn a_transient_failure_is_retried_with_the_answers_the_job_has() {
    let kept = vec![answer("resume_experience")];
    let outcome = after_failure(&POLICY, 1, unavailable(None), kept.clone()).unwrap();
    let Outcome::Retry { after, class, message, answers } = outcome else { panic!("{outcome:?}") };
    assert_eq!((after, class), (Duration::from_secs(4), ErrorClass::ModelUnavailable));
    assert_eq!(message, "transient model failure: HTTP 503");
    assert_eq!(answers, kept);

    let limited = ModelError::Transient { reason: "HTTP 429".into(), retry_after: Some(Duration::from_secs(30)) };
    let outcome = after_failure(&POLICY, 2, limited, Vec::new()).unwrap();
    assert!(
        matches!(outcome, Outcome::Retry { after, class: ErrorClass::ModelRateLimited, .. } if after == Duration::from_secs(30)),
        "{outcome:?}"
    );
    let invalid = ModelError::Invalid { reason: "not JSON".into() };
    let outcome = after_failure(&POLICY, 2, invalid, Vec::new()).unwrap();
    assert!(
        matches!(outcome, Outcome::Retry { after, class: ErrorClass::ModelInvalidReply, .. } if after == Duration::from_secs(8)),
        "{outcome:?}"
    );
}

#[test]
fn the_last_attempt_gives_up_saying_why() {
    let error = after_failure(&POLICY, 3, unavailable(None), vec![answer("resume_main")]).unwrap_err();
    assert!(matches!(error, TaskError::Exhausted { attempts: 3, unusable: false }), "{error:?}");
    assert_eq!(error.class(), ErrorClass::ModelUnavailable);
    assert_eq!(error.user_message(), "the model service was unavailable after 3 attempts; please try again later");
    let error = after_failure(&POLICY, 3, ModelError::Invalid { reason: "not JSON".into() }, Vec::new()).unwrap_err();
    assert_eq!(error.class(), ErrorClass::ModelInvalidReply);
    assert!(error.user_message().contains("could not be read after 3 attempts"), "{}", error.user_message());
}

#[test]
fn a_permanent_failure_ends_the_job_at_the_first_attempt() {
    let refused = ModelError::Permanent { message: "the model service refused the configured credentials".into() };
    let error = after_failure(&POLICY, 1, refused, Vec::new()).unwrap_err();
    assert_eq!(error.class(), ErrorClass::ModelRefused);
    assert_eq!(error.user_message(), "the model service refused the configured credentials");
}

#[test]
fn a_retried_task_is_parked_with_its_answers() {
    let task = ResumeTask { job_id: "j1".into(), run: 2, rate_limited: true, ..ResumeTask::default() };
    assert_eq!(with_answers(&task, Vec::new()), None, "nothing new: parked as it is");
    let parked = with_answers(&task, vec![answer("resume_main")]).expect("a new version");
    assert_eq!(parked.answers, [answer("resume_main")]);
    assert_eq!(ResumeTask { answers: Vec::new(), ..parked.clone() }, task, "nothing else changes");
    assert_eq!(with_answers(&parked, vec![answer("resume_main")]), None);
}

#[test]
fn the_task_rate_limit_holds_a_task_back_only_when_it_says_wait() {
    assert_eq!(must_wait(Ok(Some(Duration::from_secs(6)))), Some(Duration::from_secs(6)));
    assert_eq!(must_wait(Ok(None)), None);
    assert_eq!(must_wait(Err(down())), None, "an unreadable limit lets the task start");
}

#[test]
fn cache_keys_need_the_cache_and_a_key() {
    let task = ResumeTask { cache_key: "doc".into(), content_key: "made".into(), ..ResumeTask::default() };
    let ttl = Some(Duration::from_secs(60));
    let keys = cache_keys(ttl, &task).expect("keys");
    assert_eq!((keys.document, keys.content), ("doc", "made"));
    assert!(cache_keys(None, &task).is_none(), "the cache is off");
    assert!(cache_keys(ttl, &ResumeTask::default()).is_none(), "the task has no key");
    let older = ResumeTask { cache_key: "doc".into(), ..ResumeTask::default() };
    assert_eq!(cache_keys(ttl, &older).map(|k| k.content), Some("doc"), "its own key serves");
}

#[test]
fn a_look_delivers_a_cached_result_renders_a_cached_content_or_follows_the_lock() {
    let cached = CachedResume { filename: "Ada_Resume.pdf".into(), ..CachedResume::default() };
    let encoded = cache::encode(&cached);
    assert_eq!(by_found(Ok(Found::Result(encoded.clone()))), Source::Cached(cached));
    let content = v1::ResumeContent { full_name: "Ada Lovelace".into(), ..v1::ResumeContent::default() };
    let made = CachedResume { made: Some(Content::Resume(content.clone()).into()), ..CachedResume::default() };
    assert_eq!(by_found(Ok(Found::Content(cache::encode(&made)))), Source::Content(Content::Resume(content)));
    assert_eq!(by_found(Ok(Found::Content(encoded))), Source::GenerateUncached, "a document without its content");
    assert_eq!(by_found(Ok(Found::Result(b"\xff".to_vec()))), Source::GenerateUncached, "unreadable: bypassed");
    assert_eq!(by_found(Ok(Found::Lock(true))), Source::Generate);
    assert_eq!(by_found(Ok(Found::Lock(false))), Source::Wait, "an identical request is being generated");
    assert_eq!(by_found(Err(down())), Source::GenerateUncached);
}
