//! Generation locks: while one job generates the resume of a cache key, identical
//! requests wait for its result instead of calling the model again. A task looks in the
//! result cache and takes the lock by one script: one round trip where three were.

use std::time::Duration;

use fred::{prelude::*, types::scripts::Script};
use resume_proto::redis::Keys;

/// How long a generation lock lives: past it, a job whose worker died no longer blocks
/// identical requests.
const GENERATION_LOCK: Duration = Duration::from_secs(120);

/// Looks for a request's finished result, then for the content made from its data, and
/// when neither is there takes (or renews) the data's generation lock for a job.
/// KEYS: 1 the request's cached result, 2 the data's cached content, 3 the data's lock.
/// ARGV: 1 `1` to look in the cache (`0`: only the lock), 2 the job id, 3 the lock's
/// lifetime in milliseconds. Returns `{1, result}` or `{2, content}` when cached, else
/// `{0, 1}` when the job holds the lock and `{0, 0}` when another job does.
const LOOK: &str = r"
if ARGV[1] == '1' then
  local result = redis.call('GET', KEYS[1])
  if result then return {1, result} end
  local content = redis.call('GET', KEYS[2])
  if content then return {2, content} end
end
if redis.call('SET', KEYS[3], ARGV[2], 'NX', 'PX', ARGV[3]) then return {0, 1} end
if redis.call('GET', KEYS[3]) == ARGV[2] then
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
  return {0, 1}
end
return {0, 0}
";

/// What a look found.
#[derive(Debug, PartialEq)]
pub enum Found {
    /// The request's finished result (an encoded `CachedResume`).
    Result(Vec<u8>),
    /// The content another format of the same data made (an encoded `CachedResume`).
    Content(Vec<u8>),
    /// Neither: whether the job holds the generation lock now.
    Lock(bool),
}

/// Releases the generation lock of a cache key if the job holds it.
/// KEYS: 1 the lock. ARGV: 1 the job id. Returns 1 when released.
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// The generation locks of every cache key.
pub struct GenerationLocks {
    client: Client,
    keys: Keys,
    look: Script,
    unlock: Script,
}

impl GenerationLocks {
    /// The locks under `keys`.
    pub fn new(client: Client, keys: Keys) -> GenerationLocks {
        GenerationLocks { client, keys, look: Script::from_lua(LOOK), unlock: Script::from_lua(UNLOCK) }
    }

    /// What job `job_id` finds of its request (result under `result_key`, content and lock
    /// under `content_key`): with `in_cache`, a cached result or content; otherwise, or
    /// when there is none, whether it may generate the content now (no other job is at it).
    pub async fn look(
        &self,
        result_key: &str,
        content_key: &str,
        job_id: &str,
        in_cache: bool,
    ) -> Result<Found, Error> {
        let keys = vec![self.keys.cached(result_key), self.keys.cached(content_key), self.keys.generating(content_key)];
        let args: Vec<Value> =
            vec![(if in_cache { "1" } else { "0" }).into(), job_id.into(), (GENERATION_LOCK.as_millis() as i64).into()];
        let (kind, value): (i64, Value) = self.look.evalsha_with_reload(&self.client, keys, args).await?;
        let bytes = || value.as_bytes().map(<[u8]>::to_vec).unwrap_or_default();
        Ok(match kind {
            1 => Found::Result(bytes()),
            2 => Found::Content(bytes()),
            _ => Found::Lock(value.as_i64() == Some(1)),
        })
    }

    /// Lets the next job generate `cache_key` (after success, it will find the cache).
    pub async fn unlock(&self, cache_key: &str, job_id: &str) -> Result<(), Error> {
        let _: i64 =
            self.unlock.evalsha_with_reload(&self.client, vec![self.keys.generating(cache_key)], vec![job_id]).await?;
        Ok(())
    }
}
