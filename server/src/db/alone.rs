//! Whether a caller of the grouped writer or a grouped reader is alone: with nobody else
//! waiting there is nothing to group, and the caller does its work in its own task rather
//! than hand it to the group's task and wait for the answer (the hop there and back, a
//! wake-up of another thread each way, is what grouping costs a lone request).

use std::sync::atomic::{AtomicUsize, Ordering};

/// A caller, counted among those waiting while it lives.
pub struct Caller<'a> {
    callers: &'a AtomicUsize,
    /// Nobody else was waiting when it came.
    pub alone: bool,
}

impl<'a> Caller<'a> {
    /// Counts a caller in `callers`.
    pub fn enter(callers: &'a AtomicUsize) -> Caller<'a> {
        Caller { callers, alone: callers.fetch_add(1, Ordering::AcqRel) == 0 }
    }
}

impl Drop for Caller<'_> {
    fn drop(&mut self) {
        self.callers.fetch_sub(1, Ordering::AcqRel);
    }
}
