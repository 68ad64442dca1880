//! The transport-free core: what the gRPC services do, as plain async functions over
//! [`AppState`](crate::AppState). Every function takes the caller's user id and sees
//! only that user's rows.

pub mod actions;
pub mod admin;
pub mod batches;
pub mod budget;
pub mod candidates;
pub mod content;
pub mod documents;
pub mod fit;
pub mod history;
pub mod imports;
pub mod jobs;
pub mod lifecycle;
pub mod openings;
pub mod page;
pub mod recovery;
pub mod retention;
pub mod search;
pub mod tasks;
pub mod usage;
pub mod validate;
pub mod view;
pub mod watch;
