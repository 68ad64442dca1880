//! Everything server, worker and tests agree on in Redis, in one place: the key names
//! ([`keys`]), the task message ([`task`]), the workers' heartbeat record ([`registry`]),
//! the result cache's key and record ([`cache`]), each written and read by the same code.
//! No Redis client here: the processes' is `runtime::redis`.

pub mod cache;
pub mod keys;
pub mod registry;
pub mod task;

pub use keys::{Keys, Queue};
