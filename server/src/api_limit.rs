//! The per-user request limit (`API_RATE_LIMIT_PER_MIN`), counted in Redis so that every
//! server counts together. Workers are not users: their calls are not counted.
//!
//! A server takes a user's permits from Redis a lease at a time: up to a tenth of a
//! second's worth of the limit ([`lease_size`]), handed out from memory for at most
//! [`LEASE_LIFETIME`]. At the default of 100 per minute a lease is one request, so every
//! request is counted in Redis as it comes; a generous limit costs one Redis round trip
//! per lease instead of one per request. What that costs in accuracy, per server and user:
//! permits leased and not used within the lifetime are spent all the same (at most one
//! lease a second), and one server may refuse a user while another still holds a few of
//! their permits.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use prometheus_client::metrics::counter::Counter;
use resume_proto::redis::Keys;
use runtime::rate::{self, RateLimit, Take};
use tonic::Status;

/// How long leased permits may be handed out.
pub const LEASE_LIFETIME: Duration = Duration::from_secs(1);

/// Past this many users' leases, expired ones are dropped (at most once a lifetime).
const LEASES_KEPT: usize = 10_000;

/// The permits a server leases at once under a limit of `per_minute`: a tenth of a
/// second's worth, at least one.
pub fn lease_size(per_minute: u64) -> u64 {
    (per_minute / 600).max(1)
}

/// Counts requests per user against the limit, in leases.
pub struct ApiLimit {
    client: fred::clients::Client,
    keys: Keys,
    limit: RateLimit,
    leases: Mutex<Leases>,
    refused: Counter,
}

/// The permits this server holds, by user.
struct Leases {
    by_user: HashMap<String, Lease>,
    next_sweep: Instant,
}

struct Lease {
    permits: u64,
    expires: Instant,
    /// Held while the lease is refilled from Redis, so one request does it for all.
    refill: Arc<tokio::sync::Mutex<()>>,
}

impl ApiLimit {
    /// At most `per_minute` requests per user per minute; 0 is unlimited.
    /// Each refusal is counted in `refused`.
    pub fn new(client: fred::clients::Client, keys: Keys, per_minute: u64, refused: Counter) -> ApiLimit {
        let leases = Leases { by_user: HashMap::new(), next_sweep: Instant::now() };
        ApiLimit { client, keys, limit: RateLimit::per_minute(per_minute), leases: Mutex::new(leases), refused }
    }

    /// Whether the limit is off.
    pub fn is_unlimited(&self) -> bool {
        self.limit.is_unlimited()
    }

    /// Counts one request of `user_id`: RESOURCE_EXHAUSTED, with a `retry-after` in
    /// seconds, past the limit. If Redis cannot be read the request is let through: the
    /// limit protects the API, it must not take it down (nor slow it while Redis is away).
    pub async fn admit(&self, user_id: &str) -> Result<(), Status> {
        let refill = match self.take_leased(user_id) {
            Ok(()) => return Ok(()),
            Err(refill) => refill,
        };
        let _one_refill_at_a_time = refill.lock().await;
        if self.take_leased(user_id).is_ok() {
            return Ok(());
        }
        if !fred::interfaces::ClientLike::is_connected(&self.client) {
            // Redis is down (being reconnected): let the request through now rather than
            // after a command timeout.
            return Ok(());
        }
        let key = self.keys.rate(&format!("api:{user_id}"));
        match runtime::redis::within(self.limit.take(&self.client, key, lease_size(self.limit.events_per_minute())))
            .await
        {
            Ok(Take::Granted(permits)) => {
                self.store(user_id, permits - 1);
                Ok(())
            }
            Ok(Take::Wait(wait)) => {
                self.refused.inc();
                Err(self.refusal(wait))
            }
            Err(error) => {
                tracing::warn!(%error, "rate limit unreadable; request let through");
                Ok(())
            }
        }
    }

    /// One permit from the user's lease, or the lock to hold while refilling it.
    fn take_leased(&self, user_id: &str) -> Result<(), Arc<tokio::sync::Mutex<()>>> {
        let now = Instant::now();
        let mut leases = self.leases.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(lease) = leases.by_user.get_mut(user_id) {
            if lease.permits > 0 && now < lease.expires {
                lease.permits -= 1;
                return Ok(());
            }
            return Err(lease.refill.clone());
        }
        if leases.by_user.len() >= LEASES_KEPT && now >= leases.next_sweep {
            // A lease being refilled is kept: its lock is shared with the refiller.
            leases.by_user.retain(|_, lease| lease.expires > now || Arc::strong_count(&lease.refill) > 1);
            leases.next_sweep = now + LEASE_LIFETIME;
        }
        let refill = Arc::default();
        leases.by_user.insert(user_id.to_owned(), Lease { permits: 0, expires: now, refill: Arc::clone(&refill) });
        Err(refill)
    }

    /// Keeps `permits` leased for the user.
    fn store(&self, user_id: &str, permits: u64) {
        let mut leases = self.leases.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(lease) = leases.by_user.get_mut(user_id) {
            lease.permits = permits;
            lease.expires = Instant::now() + LEASE_LIFETIME;
        }
    }

    fn refusal(&self, wait: Duration) -> Status {
        let secs = rate::retry_after_secs(wait);
        let mut status = Status::resource_exhausted(format!(
            "rate limit of {} requests per minute exceeded; retry in {secs} s",
            self.limit.events_per_minute()
        ));
        status.metadata_mut().insert("retry-after", secs.into());
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_is_a_tenth_of_a_second_of_the_limit_and_at_least_one_request() {
        assert_eq!(lease_size(100), 1, "the default limit is counted request by request");
        assert_eq!(lease_size(1_199), 1);
        assert_eq!(lease_size(6_000), 10);
        assert_eq!(lease_size(1_000_000), 1_666);
    }
}
