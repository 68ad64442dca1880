//! Generation locks: while one job generates the resume of a cache key, identical
//! requests wait for its result instead of calling the model again.

use std::time::Duration;

use fred::{prelude::*, types::scripts::Script};
use resume_proto::redis::Keys;

/// How long a generation lock lives: past it, a job whose worker died no longer blocks
/// identical requests.
const GENERATION_LOCK: Duration = Duration::from_secs(120);

/// Takes the generation lock of a cache key for a job, or renews it if the job holds it.
/// KEYS: 1 the lock. ARGV: 1 the job id, 2 the lock's lifetime in milliseconds.
/// Returns 1 when the job holds the lock, 0 when another job does.
const LOCK: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
";

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
    lock: Script,
    unlock: Script,
}

impl GenerationLocks {
    /// The locks under `keys`.
    pub fn new(client: Client, keys: Keys) -> GenerationLocks {
        GenerationLocks { client, keys, lock: Script::from_lua(LOCK), unlock: Script::from_lua(UNLOCK) }
    }

    /// Whether job `job_id` may generate `cache_key` now (no other job is at it).
    pub async fn lock(&self, cache_key: &str, job_id: &str) -> Result<bool, Error> {
        let args: Vec<Value> = vec![job_id.into(), (GENERATION_LOCK.as_millis() as i64).into()];
        let held: i64 =
            self.lock.evalsha_with_reload(&self.client, vec![self.keys.generating(cache_key)], args).await?;
        Ok(held == 1)
    }

    /// Lets the next job generate `cache_key` (after success, it will find the cache).
    pub async fn unlock(&self, cache_key: &str, job_id: &str) -> Result<(), Error> {
        let _: i64 =
            self.unlock.evalsha_with_reload(&self.client, vec![self.keys.generating(cache_key)], vec![job_id]).await?;
        Ok(())
    }
}
