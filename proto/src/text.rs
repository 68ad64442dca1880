//! What text is not: control characters. A tab and line breaks are text; the rest of C0,
//! DEL and C1 are not (a NUL cannot be stored in PostgreSQL, and the others break a DOCX's
//! XML). The server refuses them in what is typed; what is read from a file or written by
//! a model is kept without them.

/// Whether `c` is a control character that is not text.
pub fn is_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `text` without its control characters; a form feed or a vertical tab (a page or
/// section break in extracted text) is a line break.
pub fn printable(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\u{000B}' | '\u{000C}' => Some('\n'),
            c if is_control(c) => None,
            c => Some(c),
        })
        .collect()
}

/// `text` made [`printable`] in place, when it needs to be.
pub fn make_printable(text: &mut String) {
    if text.chars().any(is_control) {
        *text = printable(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_go_and_page_breaks_are_line_breaks() {
        assert_eq!(printable("Ada\u{0} Love\u{7}lace\u{1b}[0m"), "Ada Lovelace[0m");
        assert_eq!(printable("page one\u{c}page two\u{85}"), "page one\npage two");
        assert_eq!(printable("two lines,\r\n\tand a tab"), "two lines,\r\n\tand a tab");
        let mut name = String::from("王小明");
        make_printable(&mut name);
        assert_eq!(name, "王小明");
    }
}
