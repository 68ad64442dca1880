//! How an anonymised document names its candidate: "Candidate" and their initials
//! ("Candidate A.L." for Ada Lovelace), in the heading, the signature and the file name,
//! instead of the name; the contact line and links are left out. Agencies send these to
//! clients before an introduction.

use crate::words::{is_syllable, words};

/// What an anonymised document calls the candidate named `full_name`: "Candidate" and the
/// first letter of each word of the name, each with a full stop; "Candidate" alone for a
/// name without letters. A name written in syllables (王小明, 김민준) gives the initial of
/// each syllable's romanisation (W.X.M.): its first character would be the whole family name.
pub fn label(full_name: &str) -> String {
    let mut initials = String::new();
    let mut push = |c: char| initials.extend(c.to_uppercase().chain(std::iter::once('.')));
    for word in words(full_name) {
        let mut chars = word.chars();
        match chars.next() {
            Some(first) if is_syllable(first) => {
                for syllable in std::iter::once(first).chain(chars).filter(|c| is_syllable(*c)) {
                    let romanised = deunicode::deunicode_char(syllable).unwrap_or_default();
                    if let Some(initial) = romanised.chars().find(char::is_ascii_alphanumeric) {
                        push(initial);
                    }
                }
            }
            Some(first) => push(first),
            None => {}
        }
    }
    if initials.is_empty() { "Candidate".to_owned() } else { format!("Candidate {initials}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_is_the_initials() {
        assert_eq!(label("Ada Lovelace"), "Candidate A.L.");
        assert_eq!(label(" jean-luc  o'neil "), "Candidate J.L.O.N.");
        assert_eq!(label("Иван Петров"), "Candidate И.П.");
        assert_eq!(label("!!!"), "Candidate");
        assert_eq!(label("अनीता शर्मा"), "Candidate अ.श.", "a virama is inside a word");
        assert_eq!(label("王小明"), "Candidate W.X.M.", "not the family name 王");
        assert_eq!(label("김민준"), "Candidate G.M.J.");
    }
}
