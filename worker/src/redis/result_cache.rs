//! The result cache's write side (the worker reads it with its generation lock,
//! [`super::locks`]): a finished resume under
//! its request's cache key, for `RESULT_CACHE_TTL_SECS`, listed under the candidate it was
//! made for so that erasing the candidate finds every entry (`resume_proto::redis::cache`).

use std::time::Duration;

use fred::{prelude::*, types::scripts::Script};
use resume_proto::{
    redis::{Keys, cache},
    v1::{self, CachedResume},
};

/// Writes an entry and lists it under its candidate, unless the candidate was erased.
/// KEYS: 1 the entry, 2 the candidate's list, 3 the candidate's erasure marker.
/// ARGV: 1 the record, 2 its lifetime in milliseconds. Returns 1 when written.
const PUT: &str = r"
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1
";

/// The cache, as workers fill it.
pub struct ResultCache {
    client: Client,
    keys: Keys,
    put: Script,
}

impl ResultCache {
    /// The cache under `keys`.
    pub fn new(client: Client, keys: Keys) -> ResultCache {
        ResultCache { client, keys, put: Script::from_lua(PUT) }
    }

    /// Keeps `resume`, made for `candidate`, as the result for `cache_key` for `ttl`
    /// (nothing, if the candidate has been erased).
    pub async fn put(
        &self,
        candidate: &v1::Candidate,
        cache_key: &str,
        resume: &CachedResume,
        ttl: Duration,
    ) -> Result<(), Error> {
        let keys = vec![self.keys.cached(cache_key), self.keys.cached_by(candidate), self.keys.erased(candidate)];
        let args: Vec<Value> = vec![cache::encode(resume).as_slice().into(), (ttl.as_millis() as i64).into()];
        let _: i64 = self.put.evalsha_with_reload(&self.client, keys, args).await?;
        Ok(())
    }
}
