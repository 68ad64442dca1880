//! Conversions between `google.protobuf.Timestamp` and `chrono::DateTime<Utc>`.

use chrono::{DateTime, Utc};
use prost_types::Timestamp;

/// The protobuf form of a UTC time.
pub fn to_timestamp(t: DateTime<Utc>) -> Timestamp {
    Timestamp { seconds: t.timestamp(), nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0) }
}

/// The UTC time a protobuf timestamp names, or `None` when it is out of range.
pub fn from_timestamp(t: &Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_to_the_microsecond() {
        let t = DateTime::parse_from_rfc3339("2026-11-28T10:00:00.123456Z").unwrap().with_timezone(&Utc);
        assert_eq!(from_timestamp(&to_timestamp(t)), Some(t));
    }

    #[test]
    fn rejects_negative_nanos() {
        assert_eq!(from_timestamp(&Timestamp { seconds: 0, nanos: -1 }), None);
    }
}
