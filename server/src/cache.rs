//! Reading the result cache: a request whose content was generated before is answered
//! from Redis at submit, without queueing anything.

use fred::prelude::*;
use resume_proto::{
    redis::{Keys, cache},
    v1::CachedResume,
};
use runtime::redis::within;

use crate::error::Result;

/// The server's read side of the result cache (workers fill it).
pub struct ResultCache {
    client: Client,
    keys: Keys,
    /// `"offline"` or `"openai:<model>"`: part of every key, as the workers compute it.
    pub generator: String,
    /// How old a content in the database may be and still be reused (`CONTENT_REUSE_DAYS`);
    /// `None`: never.
    pub reuse: Option<chrono::Duration>,
}

impl ResultCache {
    /// A cache over an initialised client.
    pub fn new(client: Client, keys: Keys, generator: String, reuse: Option<chrono::Duration>) -> ResultCache {
        ResultCache { client, keys, generator, reuse }
    }

    /// Removes the cached resumes of `cache_keys` (and nothing else).
    pub async fn forget(&self, cache_keys: &[String]) -> Result<()> {
        let keys: Vec<String> = cache_keys.iter().map(|key| self.keys.cached(key)).collect();
        if !keys.is_empty() {
            let _: i64 = within(self.client.del(keys)).await?;
        }
        Ok(())
    }

    /// The cached resume for `cache_key`, if one is there. An unreadable entry counts as a
    /// miss (it is rewritten by the next generation).
    pub async fn get(&self, cache_key: &str) -> Result<Option<CachedResume>> {
        let bytes: Option<Vec<u8>> = within(self.client.get(self.keys.cached(cache_key))).await?;
        Ok(cache::decode(bytes.as_deref()))
    }
}
