//! The result cache's write side (and the worker's read of it): a finished resume under
//! its request's cache key, for `RESULT_CACHE_TTL_SECS`.

use std::time::Duration;

use fred::{prelude::*, types::Expiration};
use resume_proto::{
    redis::{Keys, cache},
    v1::CachedResume,
};

/// The cache, as workers fill it.
pub struct ResultCache {
    client: Client,
    keys: Keys,
}

impl ResultCache {
    /// The cache under `keys`.
    pub fn new(client: Client, keys: Keys) -> ResultCache {
        ResultCache { client, keys }
    }

    /// The cached resume for `cache_key`; an unreadable entry is a miss.
    pub async fn get(&self, cache_key: &str) -> Result<Option<CachedResume>, Error> {
        let bytes: Option<Vec<u8>> = self.client.get(self.keys.cached(cache_key)).await?;
        Ok(cache::decode(bytes.as_deref()))
    }

    /// Keeps `resume` as the result for `cache_key` for `ttl`.
    pub async fn put(&self, cache_key: &str, resume: &CachedResume, ttl: Duration) -> Result<(), Error> {
        let expire = Some(Expiration::PX(ttl.as_millis() as i64));
        let _: () = self.client.set(self.keys.cached(cache_key), cache::encode(resume), expire, None, false).await?;
        Ok(())
    }
}
