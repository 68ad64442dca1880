//! The `resume.v1` API shared by every process.
//!
//! # Layout
//! - [`v1`]: the generated protobuf messages, gRPC clients and servers.
//! - [`FILE_DESCRIPTOR_SET`]: the encoded descriptors, served by gRPC reflection.
//! - [`anonymous`]: what an anonymised document calls its candidate.
//! - [`content`]: what a job's document is made from, a resume's or a cover letter's
//!   content, as one closed type over the messages' `oneof`s.
//! - [`facts`]: the fact rule of a cover letter (what it may name), for worker and server.
//! - [`job`]: priority, file type and status as Rust enums over the wire's strings.
//! - [`redis`]: everything that crosses Redis, in one place: keys, the task message, the
//!   workers' heartbeat, the result cache's key and record.
//! - [`text`]: what text is not (control characters), for the server's rule and what the
//!   worker reads from files and models.
//! - [`time`]: conversions between protobuf timestamps and `chrono`.
//! - [`words`]: what a word is in any script (names, file names, the fact rule).

pub mod anonymous;
pub mod content;
pub mod facts;
pub mod job;
pub mod redis;
pub mod text;
pub mod time;
pub mod words;

/// Generated code for package `resume.v1`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod v1 {
    tonic::include_proto!("resume.v1");
}

/// Encoded `FileDescriptorSet` of every `resume.v1` file, for `tonic-reflection`.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("resume_descriptor");
