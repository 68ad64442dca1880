//! What a word is, in any script: its letters and digits with the marks that belong to
//! them. A virama or a nukta (Devanagari's `्`, `़`) is a combining mark that is not a
//! letter, and a zero-width joiner or non-joiner (Persian, Indic) is a format character: a
//! word split at them falls apart (`शर्मा` as `शर` and `मा`).

use unicode_normalization::char::is_combining_mark;

/// Whether `c` belongs inside a word: a letter, a digit, a combining mark or a joiner.
pub fn in_word(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c) || matches!(c, '\u{200C}' | '\u{200D}')
}

/// The words of `text`: runs of word characters with a letter or digit in them (a joiner
/// alone, inside an emoji such as 👩‍💻, is no word).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !in_word(c)).filter(|w| w.chars().any(char::is_alphanumeric))
}

/// Whether `c` is a character that is a whole syllable or morpheme of a name on its own
/// (Chinese and Japanese ideographs, kana, Korean syllables): such a name's first
/// character is its family name, not an initial.
pub fn is_syllable(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'      // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}'    // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}'    // CJK Unified Ideographs
        | '\u{AC00}'..='\u{D7AF}'    // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'    // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9D}'    // half-width katakana
        | '\u{20000}'..='\u{323AF}') // CJK Extensions B–H
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_their_marks_and_joiners() {
        assert_eq!(words("अनीता शर्मा").collect::<Vec<_>>(), ["अनीता", "शर्मा"]);
        assert_eq!(words("Zoë O'Neil-Smith").collect::<Vec<_>>(), ["Zoë", "O", "Neil", "Smith"]);
        assert_eq!(words("می‌خواهم, 2019").collect::<Vec<_>>(), ["می‌خواهم", "2019"]);
        assert_eq!(words("Ada 👩\u{200D}💻 Lovelace").collect::<Vec<_>>(), ["Ada", "Lovelace"], "a joiner alone");
        assert!(is_syllable('王') && is_syllable('김') && is_syllable('た') && !is_syllable('A'));
    }
}
