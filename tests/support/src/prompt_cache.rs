//! A provider's prompt cache, as OpenAI documents its own, for the fake model's counted
//! usage: a prompt is what the request sends in order (the structured-output schema first,
//! then the messages); a request's prompt enters the cache once the provider has read it
//! (when its first token is written, not when it arrives), so calls sent at the same moment
//! do not serve each other; a later prompt that starts with the same text reads that part
//! from the cache when it is at least 1,024 tokens long, in steps of 128 tokens; an entry
//! not used for five minutes is gone.
//!
//! Prompts are cut into blocks of 128 tokens (of [`CHARS_PER_TOKEN`] bytes each) and the
//! cache holds a hash of every block-aligned prefix it has read, so a lookup is one hash
//! per block of the prompt.

use std::{
    collections::HashMap,
    hash::{DefaultHasher, Hash, Hasher},
    sync::Mutex,
    time::{Duration, Instant},
};

/// Bytes the cache counts as one token (the fake's count, as for its replies).
pub const CHARS_PER_TOKEN: usize = 4;
/// Tokens per cached block.
const BLOCK_TOKENS: usize = 128;
/// The shortest prefix the cache serves, in tokens.
const MIN_TOKENS: usize = 1024;
/// How long an unused entry lasts.
const LIFETIME: Duration = Duration::from_secs(300);
/// Entries kept at most (the oldest half goes past it): a bound for long load runs.
const MOST_ENTRIES: usize = 200_000;

/// The prefixes read so far, by hash, with when each was last used.
#[derive(Default)]
pub struct PromptCache {
    read: Mutex<HashMap<u64, Instant>>,
}

impl PromptCache {
    /// How many of `prompt`'s tokens the cache serves now.
    pub fn cached_tokens(&self, prompt: &str) -> usize {
        let now = Instant::now();
        let mut read = self.read.lock().unwrap();
        let mut longest = 0;
        for (blocks, hash) in block_hashes(prompt) {
            match read.get_mut(&hash) {
                Some(used) if now.duration_since(*used) < LIFETIME => {
                    *used = now;
                    longest = blocks;
                }
                _ => break,
            }
        }
        let tokens = longest * BLOCK_TOKENS;
        if tokens >= MIN_TOKENS { tokens } else { 0 }
    }

    /// `prompt` has been read: later prompts starting with it are served from the cache.
    pub fn read(&self, prompt: &str) {
        let now = Instant::now();
        let mut read = self.read.lock().unwrap();
        if read.len() > MOST_ENTRIES {
            let mut ages: Vec<Instant> = read.values().copied().collect();
            let (_, median, _) = ages.select_nth_unstable(read.len() / 2);
            let median = *median;
            read.retain(|_, used| *used > median);
        }
        for (_, hash) in block_hashes(prompt) {
            read.insert(hash, now);
        }
    }
}

/// Each whole block's count with the hash of the prompt up to its end, first block first.
fn block_hashes(prompt: &str) -> impl Iterator<Item = (usize, u64)> + '_ {
    let mut hasher = DefaultHasher::new();
    prompt.as_bytes().chunks_exact(BLOCK_TOKENS * CHARS_PER_TOKEN).enumerate().map(move |(i, block)| {
        block.hash(&mut hasher);
        (i + 1, hasher.finish())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `tokens` tokens of text starting with `lead`.
    fn text(lead: &str, tokens: usize) -> String {
        let mut text = lead.to_owned();
        while text.len() < tokens * CHARS_PER_TOKEN {
            text.push_str(" lorem ipsum");
        }
        text.truncate(tokens * CHARS_PER_TOKEN);
        text
    }

    #[test]
    fn a_shared_prefix_is_served_in_blocks_once_read() {
        let cache = PromptCache::default();
        let first = text("shared", 3000);
        assert_eq!(cache.cached_tokens(&first), 0, "nothing read yet");
        cache.read(&first);
        assert_eq!(cache.cached_tokens(&first), 2944, "whole blocks of the same prompt (23 × 128)");
        // Differs from token 1500 on: the blocks before it are served.
        let mut other = first[..1500 * CHARS_PER_TOKEN].to_owned();
        other.push_str(&text("different", 1500));
        assert_eq!(cache.cached_tokens(&other), 1408, "11 blocks of 128 before the difference");
    }

    #[test]
    fn short_or_different_starts_are_not_served() {
        let cache = PromptCache::default();
        let short = text("short", 1000);
        cache.read(&short);
        assert_eq!(cache.cached_tokens(&short), 0, "under 1,024 tokens nothing is cached");
        cache.read(&text("a schema", 3000));
        assert_eq!(cache.cached_tokens(&text("another schema", 3000)), 0, "a different start shares nothing");
    }
}
