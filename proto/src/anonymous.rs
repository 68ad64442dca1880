//! How an anonymised document names its candidate: "Candidate" and their initials
//! ("Candidate A.L." for Ada Lovelace), in the heading, the signature and the file name,
//! instead of the name; the contact line and links are left out. Agencies send these to
//! clients before an introduction.

/// What an anonymised document calls the candidate named `full_name`: "Candidate" and the
/// first letter of each word of the name, each with a full stop; "Candidate" alone for a
/// name without letters.
pub fn label(full_name: &str) -> String {
    let initials: String = full_name
        .split(|c: char| !c.is_alphanumeric())
        .filter_map(|word| word.chars().next())
        .flat_map(|c| c.to_uppercase().chain(std::iter::once('.')))
        .collect();
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
    }
}
