//! Error messages as the error groups see them: a failure's or a retry's message with what
//! differs from one occurrence to the next (ids, numbers, times) stripped, so that "job
//! 0193…: HTTP 502 after 30012 ms" and "job 0194…: HTTP 503 after 29998 ms" are one group.

/// The longest normalised message kept.
const MAX_KEY: usize = 300;

/// `message` with every word that holds a digit (an id, a number, a time, a date) replaced
/// by `#`, and runs of white space made one space.
pub fn normalise(message: &str) -> String {
    let mut key = String::with_capacity(message.len().min(MAX_KEY));
    for word in message.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        if word.chars().any(|c| c.is_ascii_digit()) {
            // What ends a sentence or a clause stays, so the text around it reads the same.
            let tail: String = word.chars().rev().take_while(|c| matches!(c, ':' | ',' | ';' | '.' | ')')).collect();
            key.push('#');
            key.extend(tail.chars().rev());
        } else {
            key.push_str(word);
        }
        if key.len() >= MAX_KEY {
            break;
        }
    }
    let mut end = key.len().min(MAX_KEY);
    while !key.is_char_boundary(end) {
        end -= 1;
    }
    key.truncate(end);
    key
}

/// The id of the group of errors of `class` whose normalised message is `key`: the first 16
/// hex digits of their SHA-256, the same from every server.
pub fn group_id(class: &str, key: &str) -> String {
    let mut id = resume_proto::redis::cache::sha256_hex(format!("{class}\n{key}").as_bytes());
    id.truncate(16);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_that_differ_only_in_ids_numbers_and_times_are_one_key() {
        let a = normalise("job 0193a4f2-7c1e-7d3a-9b1e-5f6a7b8c9d0e: HTTP 502 after 30012 ms at 2026-12-01T10:00:00Z");
        let b = normalise("job 0194b5e3-8d2f-7e4b-8c2f-6a7b8c9d0e1f: HTTP 503 after 29998 ms at 2026-12-02T11:30:05Z");
        assert_eq!(a, b);
        assert_eq!(a, "job #: HTTP # after # ms at #");
    }

    #[test]
    fn different_words_are_different_keys_and_long_messages_are_cut() {
        assert_ne!(normalise("transient model failure: HTTP 500"), normalise("invalid model output: not JSON"));
        assert_eq!(normalise("  the  reply\twas\ninterrupted "), "the reply was interrupted");
        assert!(normalise(&"é".repeat(400)).len() <= MAX_KEY);
    }
}
