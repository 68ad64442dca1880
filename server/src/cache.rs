//! Reading the result cache: a request whose content was generated before is answered
//! from Redis at submit, without queueing anything; and erasing a candidate's entries.

use std::time::Duration;

use fred::{prelude::*, types::scripts::Script};
use resume_proto::{
    redis::{Keys, cache},
    v1::{self, CachedResume},
};
use runtime::redis::within;

use crate::error::Result;

/// How long an erased candidate's marker lives: longer than any job that was running when
/// the candidate was erased can take to finish (its worker then caches nothing).
const ERASED_FOR: Duration = Duration::from_secs(24 * 3600);

/// Marks a candidate erased and deletes every cache entry listed under them, the list, and
/// the entries named besides (those of their current data, which a worker older than the
/// lists left unlisted). KEYS: 1 the candidate's list, 2 the erasure marker, 3… entries.
/// ARGV: 1 the marker's lifetime in milliseconds. The listed entries are named by the list
/// (all under the deployment's hash tag, so in the same slot). Returns how many entries
/// were listed.
const ERASE: &str = r"
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
local entries = redis.call('SMEMBERS', KEYS[1])
for i = 1, #entries, 500 do
  redis.call('DEL', unpack(entries, i, math.min(i + 499, #entries)))
end
redis.call('DEL', KEYS[1])
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
return #entries
";

/// The server's read side of the result cache (workers fill it).
pub struct ResultCache {
    client: Client,
    keys: Keys,
    erase: Script,
    /// `"offline"` or `"openai:<model>"`: part of every key, as the workers compute it.
    pub generator: String,
    /// How old a content in the database may be and still be reused (`CONTENT_REUSE_DAYS`);
    /// `None`: never.
    pub reuse: Option<chrono::Duration>,
}

impl ResultCache {
    /// A cache over an initialised client.
    pub fn new(client: Client, keys: Keys, generator: String, reuse: Option<chrono::Duration>) -> ResultCache {
        ResultCache { client, keys, generator, reuse, erase: Script::from_lua(ERASE) }
    }

    /// Deletes every entry cached for `candidate` (both caches, every target and file type
    /// their jobs ever had, and `also`: cache keys of their current data) and keeps any more
    /// from being written for them; how many were listed.
    pub async fn erase(&self, candidate: &v1::Candidate, also: &[String]) -> Result<i64> {
        let mut keys = vec![self.keys.cached_by(candidate), self.keys.erased(candidate)];
        keys.extend(also.iter().map(|key| self.keys.cached(key)));
        let erased_for = vec![ERASED_FOR.as_millis() as i64];
        Ok(within(self.erase.evalsha_with_reload(&self.client, keys, erased_for)).await?)
    }

    /// Lets entries be cached for `candidate` again (their deletion did not go through).
    pub async fn unerase(&self, candidate: &v1::Candidate) -> Result<()> {
        let _: i64 = within(self.client.del(self.keys.erased(candidate))).await?;
        Ok(())
    }

    /// The cached resume for `cache_key`, if one is there. An unreadable entry counts as a
    /// miss (it is rewritten by the next generation).
    pub async fn get(&self, cache_key: &str) -> Result<Option<CachedResume>> {
        let bytes: Option<Vec<u8>> = within(self.client.get(self.keys.cached(cache_key))).await?;
        Ok(cache::decode(bytes.as_deref()))
    }
}
