//! What an OpenAI-compatible endpoint's answers are read as: only the fields the worker
//! uses, and each that a plain compatible server may leave out (or send as `null`) read
//! as empty. The client's own types require every field OpenAI sends (`id`, `created`,
//! `model`, `object`, a choice's `index`, a message's `role`): a server leaving one out
//! failed every call as an unreadable reply.

use serde::{Deserialize, Deserializer, de::DeserializeOwned};

use super::Usage;

/// A whole reply (`chat.completion`) or one chunk of a streamed one
/// (`chat.completion.chunk`), read alike. (An endpoint that answers a stream's request
/// with a whole reply is read as a stream of that one event.)
#[derive(Debug, Deserialize)]
pub struct Reply {
    #[serde(default, deserialize_with = "or_default")]
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub usage: Option<Counted>,
    /// An error sent in place of a reply (some servers answer 200 so, or end a stream so).
    #[serde(default)]
    pub error: Option<serde_json::Value>,
}

/// One choice of a reply (the worker asks for one: index 0).
#[derive(Debug, Deserialize)]
pub struct Choice {
    #[serde(default, deserialize_with = "or_default")]
    pub index: u32,
    /// A chunk's part of the message.
    #[serde(default)]
    delta: Option<Text>,
    /// A whole reply's message.
    #[serde(default)]
    message: Option<Text>,
    #[serde(default)]
    finish_reason: Option<String>,
}

impl Choice {
    /// The text this choice brings: a chunk's delta, or a whole reply's message.
    pub fn text(self) -> Option<String> {
        self.delta.and_then(|d| d.content).or_else(|| self.message.and_then(|m| m.content))
    }

    /// The reply ends here: a finish reason (`stop`, `length`, …) is given, or this is a
    /// whole message, not a chunk.
    pub fn ends(&self) -> bool {
        self.finish_reason.as_deref().is_some_and(|reason| !reason.is_empty()) || self.message.is_some()
    }
}

/// A message or a chunk's part of it.
#[derive(Debug, Deserialize)]
struct Text {
    #[serde(default)]
    content: Option<String>,
}

/// What a call used, as the endpoint counts it.
#[derive(Debug, Deserialize)]
pub struct Counted {
    #[serde(default, deserialize_with = "or_default")]
    prompt_tokens: u32,
    #[serde(default, deserialize_with = "or_default")]
    completion_tokens: u32,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
}

/// The part of a prompt that was read from the provider's cache.
#[derive(Debug, Deserialize)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: Option<u32>,
}

impl Counted {
    /// The tokens counted, as the worker keeps them.
    pub fn usage(&self) -> Usage {
        Usage {
            prompt_tokens: self.prompt_tokens,
            cached_tokens: self.prompt_tokens_details.as_ref().and_then(|d| d.cached_tokens).unwrap_or(0),
            completion_tokens: self.completion_tokens,
        }
    }
}

/// A field sent as `null` read as its default, as one left out is.
fn or_default<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(deserializer: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Reply {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    #[test]
    fn a_bare_reply_and_chunk_are_read() {
        let whole = read(
            r#"{"choices": [{"message": {"content": "{}"}}], "usage": {"prompt_tokens": 12, "completion_tokens": 3}}"#,
        );
        assert_eq!(
            whole.usage.as_ref().unwrap().usage(),
            Usage { prompt_tokens: 12, cached_tokens: 0, completion_tokens: 3 }
        );
        let choice = whole.choices.into_iter().next().unwrap();
        assert!(choice.ends(), "a whole message ends its reply");
        assert_eq!((choice.index, choice.text().as_deref()), (0, Some("{}")));
        let chunk = read(r#"{"choices": [{"index": null, "delta": {"content": "{\"he"}, "finish_reason": null}]}"#);
        let choice = chunk.choices.into_iter().next().unwrap();
        assert!(!choice.ends());
        assert_eq!(choice.text().as_deref(), Some("{\"he"));
        let last = read(r#"{"choices": [{"delta": {}, "message": null, "finish_reason": "stop"}]}"#);
        assert!(last.choices[0].ends());
        let tail = read(
            r#"{"id": "x", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": null,
                "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7,
                          "prompt_tokens_details": {"cached_tokens": 4}}}"#,
        );
        assert!(tail.choices.is_empty());
        assert_eq!(tail.usage.unwrap().usage(), Usage { prompt_tokens: 5, cached_tokens: 4, completion_tokens: 2 });
        assert!(read(r#"{"error": {"message": "overloaded"}}"#).error.is_some());
    }
}
