//! The result cache, decided in one place: which levels a job looks in before it calls
//! the model, how a request becomes a key, and the record kept under it. Server and worker
//! both ask [`takes_cached`] before each level; the keys and records are built here for both.
//!
//! | level | key | read by | written by | skipped when |
//! |---|---|---|---|---|
//! | document: the finished file, in Redis | [`key`]: owner, candidate data, target job, file type, generator, template | the server at submit (a hit is a SUCCESS at once) and the worker before it claims | the worker, once the file is rendered | `fresh`, a render, `RESULT_CACHE_TTL_SECS=0`, Redis unreadable |
//! | content: what the model wrote, in Redis | [`content_key`]: the same without file type and template | the worker, after a document miss (it renders, no model call) | the worker, once the model answered | as above |
//! | stored: a job's kept content, in the database, younger than `CONTENT_REUSE_DAYS` | the content key, kept with the job's content | the server at claim (it hands the content to the worker) | the server, with the job's completion | `fresh`, a render, `CONTENT_REUSE_DAYS=0` |
//!
//! While one job generates a content key, identical requests wait for it (the worker's
//! generation lock on the content key) instead of calling the model again; a `fresh` job
//! takes nothing from the caches but still waits, and still stores what it makes.
//!
//! Every Redis entry a worker writes is listed under the candidate it was made for, and
//! erasing the candidate deletes the listed entries (and keeps a worker still at it from
//! writing more); the database's contents go with the candidate's jobs.

use prost::Message;
use sha2::{Digest, Sha256};

use crate::{
    job::{Document, JobKind},
    v1::{self, CachedResume},
};

/// What else than the data makes a request's document: which document, and whether it
/// is anonymised. Each variant has keys of its own, so none is served another's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Variant {
    pub document: Document,
    pub anonymize: bool,
}

impl Variant {
    /// Every variant, for erasing a candidate's entries.
    pub fn all() -> impl Iterator<Item = Variant> {
        Document::ALL.iter().flat_map(|&document| [false, true].map(|anonymize| Variant { document, anonymize }))
    }
}

/// Whether a job of `kind` (`fresh` or not) takes what it needs from the caches, every
/// level in the table's order (each may still be off by its own setting): a render has its
/// content already, a fresh variant is made anew.
pub fn takes_cached(kind: JobKind, fresh: bool) -> bool {
    kind == JobKind::Generate && !fresh
}

/// Bumped whenever a template changes what a document looks like, so that documents
/// cached before the change are not served (their content still is: no model call).
pub const TEMPLATE_VERSION: &str = "2026-12-01.1";

/// Bumped whenever the prompt or the merge of the model's reply changes what a resume
/// says, so that contents cached before the change are not reused.
pub const PROMPT_VERSION: &str = "2026-12-01.1";

/// A cached resume as read back; an unreadable record is a miss (the next generation
/// writes it again).
pub fn decode(raw: Option<&[u8]>) -> Option<CachedResume> {
    CachedResume::decode(raw?).ok()
}

/// A cached resume's bytes.
pub fn encode(resume: &CachedResume) -> Vec<u8> {
    resume.encode_to_vec()
}

/// The generator identity that goes into the key: `"offline"` or `"openai:<model>"`.
pub fn generator(model: Option<&str>) -> String {
    model.map_or_else(|| "offline".to_owned(), |model| format!("openai:{model}"))
}

/// The hex SHA-256 of the request's canonical content: the document cache's key. Row ids
/// and creation times are left out: two requests with the same data are the same request.
pub fn key(
    owner: &str,
    candidate: &v1::Candidate,
    target: Option<&v1::CandidateJob>,
    variant: Variant,
    file_type: &str,
    generator: &str,
) -> String {
    hashed(owner, candidate, target, variant, file_type, generator, TEMPLATE_VERSION)
}

/// The content cache's key: what the model sees (no file type, no template), so that one
/// model call serves every format.
pub fn content_key(
    owner: &str,
    candidate: &v1::Candidate,
    target: Option<&v1::CandidateJob>,
    variant: Variant,
    generator: &str,
) -> String {
    // No file type is empty, so this never equals a document's key.
    hashed(owner, candidate, target, variant, "", generator, &format!("prompt:{PROMPT_VERSION}"))
}

fn hashed(
    owner: &str,
    candidate: &v1::Candidate,
    target: Option<&v1::CandidateJob>,
    variant: Variant,
    file_type: &str,
    generator: &str,
    version: &str,
) -> String {
    let candidate = v1::Candidate { id: 0, created_at: None, ..candidate.clone() };
    let target = target.map(|t| v1::CandidateJob { id: 0, candidate_id: 0, created_at: None, ..t.clone() });
    let content = v1::CacheKeyContent {
        owner: owner.to_owned(),
        candidate: Some(candidate),
        target,
        file_type: file_type.to_owned(),
        generator: generator.to_owned(),
        template_version: version.to_owned(),
        // A resume's is empty: its keys are those it had before there were letters.
        document: match variant.document {
            Document::Resume => String::new(),
            Document::CoverLetter => Document::CoverLetter.as_str().to_owned(),
        },
        anonymize: variant.anonymize,
    };
    sha256_hex(&content.encode_to_vec())
}

/// The hex SHA-256 of `bytes`: the cache's keys, and the key the server stores a document
/// under.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn only_a_request_that_is_not_fresh_takes_from_the_caches() {
        assert!(takes_cached(JobKind::Generate, false));
        assert!(!takes_cached(JobKind::Generate, true), "a fresh variant took a cached result");
        assert!(!takes_cached(JobKind::Render, false), "a render took a cached result");
    }

    const V: Variant = Variant { document: Document::Resume, anonymize: false };

    #[test]
    fn every_variant_has_keys_of_its_own_and_a_resume_keeps_its_old_ones() {
        let keys: HashSet<String> = Variant::all().map(|v| key("u", &ada(1), None, v, "pdf", "offline")).collect();
        assert_eq!(keys.len(), 4);
        let contents: HashSet<String> = Variant::all().map(|v| content_key("u", &ada(1), None, v, "offline")).collect();
        assert_eq!(contents.len(), 4);
        // The key of a plain resume is the one computed before variants existed.
        let before = v1::CacheKeyContent {
            owner: "u".into(),
            candidate: Some(ada(0)),
            target: None,
            file_type: "pdf".into(),
            generator: "offline".into(),
            template_version: TEMPLATE_VERSION.into(),
            ..Default::default()
        };
        assert_eq!(key("u", &ada(1), None, V, "pdf", "offline"), sha256_hex(&before.encode_to_vec()));
    }

    fn ada(id: i64) -> v1::Candidate {
        v1::Candidate { id, full_name: "Ada".into(), skills: vec!["Rust".into()], ..Default::default() }
    }

    #[test]
    fn the_same_content_gives_the_same_key_whatever_the_ids() {
        let a = key("u", &ada(1), None, V, "word", "offline");
        assert_eq!(a, key("u", &ada(2), None, V, "word", "offline"));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn any_difference_gives_another_key() {
        let a = key("u", &ada(1), None, V, "word", "offline");
        assert_ne!(a, key("v", &ada(1), None, V, "word", "offline"));
        assert_ne!(a, key("u", &ada(1), None, V, "pdf", "offline"));
        assert_ne!(a, key("u", &ada(1), None, V, "word", "openai:gpt-4o-mini"));
        let target = v1::CandidateJob { title: "Engineer".into(), ..Default::default() };
        assert_ne!(a, key("u", &ada(1), Some(&target), V, "word", "offline"));
        let mut other = ada(1);
        other.skills.push("Go".into());
        assert_ne!(a, key("u", &other, None, V, "word", "offline"));
    }

    #[test]
    fn the_content_key_is_the_same_for_every_format_and_no_documents() {
        let content = content_key("u", &ada(1), None, V, "offline");
        assert_eq!(content, content_key("u", &ada(2), None, V, "offline"));
        assert_ne!(content, content_key("v", &ada(1), None, V, "offline"));
        assert_ne!(content, content_key("u", &ada(1), None, V, "openai:gpt-4o-mini"));
        for file_type in ["word", "pdf", "text", "markdown"] {
            assert_ne!(content, key("u", &ada(1), None, V, file_type, "offline"));
        }
    }
}
