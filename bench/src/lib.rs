//! The load tools behind `make bench`, shared with the tests: a fake OpenAI-compatible
//! model server and the sample data and tokens both send.
//!
//! The `loadgen` binary (`main.rs`) drives a running system with them.

pub mod fake_model;
pub mod fixtures;
