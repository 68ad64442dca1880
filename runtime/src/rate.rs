//! Rate limits shared by every process through Redis: the API's requests per user and
//! the workers' model calls, each "N per minute".
//!
//! The limit is a GCRA (generic cell rate algorithm) kept in one Redis key: a burst of
//! up to N is allowed, after which one more is allowed every minute/N. The whole check is
//! one Lua script on Redis's own clock, so replicas on different machines agree.

use std::time::Duration;

use fred::{clients::Client, error::Error, types::scripts::Script};

/// Takes up to ARGV[3] events under a limit at once, or says how long until one is allowed.
/// KEYS: 1 the limit's state (the theoretical arrival time, unix µs).
/// ARGV: 1 the interval between events in µs, 2 the burst window in µs, 3 the events wanted.
/// Returns {events granted, 0}, or {0, µs to wait} when not even one is allowed.
const GCRA: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local free = math.floor((now + window - tat) / interval)
if free < 1 then return {0, tat + interval - window - now} end
local granted = math.min(free, tonumber(ARGV[3]))
local next_tat = tat + granted * interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.ceil((next_tat - now) / 1000))
return {granted, 0}
";

const MINUTE_US: i64 = 60_000_000;

/// A limit of so many events per minute (0: none).
pub struct RateLimit {
    per_minute: u64,
    script: Script,
}

impl RateLimit {
    /// At most `per_minute` events per minute; 0 is unlimited.
    pub fn per_minute(per_minute: u64) -> RateLimit {
        RateLimit { per_minute, script: Script::from_lua(GCRA) }
    }

    /// The events allowed per minute (0: no limit).
    pub fn events_per_minute(&self) -> u64 {
        self.per_minute
    }

    /// Whether the limit is off.
    pub fn is_unlimited(&self) -> bool {
        self.per_minute == 0
    }

    /// Counts one event against the limit kept under `key`: `None` when it is allowed,
    /// else how long until the next one will be.
    pub async fn check(&self, client: &Client, key: String) -> Result<Option<Duration>, Error> {
        Ok(match self.take(client, key, 1).await? {
            Take::Granted(_) => None,
            Take::Wait(wait) => Some(wait),
        })
    }

    /// Counts up to `wanted` events at once against the limit kept under `key`: as many as
    /// the limit allows now (at least one), or how long until one will be allowed.
    pub async fn take(&self, client: &Client, key: String, wanted: u64) -> Result<Take, Error> {
        if self.is_unlimited() {
            return Ok(Take::Granted(wanted));
        }
        let interval = (MINUTE_US / self.per_minute.min(MINUTE_US as u64) as i64).max(1);
        let (granted, wait_us): (u64, u64) =
            self.script.evalsha_with_reload(client, vec![key], vec![interval, MINUTE_US, wanted.max(1) as i64]).await?;
        Ok(if granted > 0 { Take::Granted(granted) } else { Take::Wait(Duration::from_micros(wait_us)) })
    }
}

/// What [`RateLimit::take`] gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// This many events were counted (at least one, at most the number wanted).
    Granted(u64),
    /// None was allowed: the next one will be after this long.
    Wait(Duration),
}

/// Whole seconds to tell a client to wait (`Retry-After`), at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(600)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2_001)), 3);
    }
}
