//! The workers' registry: the set of worker ids, and each worker's heartbeat record (an
//! encoded `WorkerHeartbeat` that expires unless renewed). Workers write it; servers read
//! it for the admin views and readiness.

use std::time::Duration;

use prost::Message;

use crate::v1::WorkerHeartbeat;

/// How long a heartbeat lives unless renewed.
pub const HEARTBEAT_TTL: Duration = Duration::from_secs(10);

/// How long a lost worker is shown (and its last heartbeat kept).
pub const LOST_SHOWN: Duration = Duration::from_secs(3600);

/// A heartbeat's bytes.
pub fn encode(heartbeat: &WorkerHeartbeat) -> Vec<u8> {
    heartbeat.encode_to_vec()
}

/// A heartbeat as read back; `None` for an expired (absent) or unreadable one.
pub fn decode(raw: Option<&[u8]>) -> Option<WorkerHeartbeat> {
    WorkerHeartbeat::decode(raw?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heartbeat_round_trips() {
        let beat = WorkerHeartbeat { host: "h".into(), concurrency: 2, processed: 7, ..Default::default() };
        assert_eq!(decode(Some(&encode(&beat))), Some(beat));
        assert_eq!(decode(None), None);
    }
}
