//! What text is not: control characters. A tab and line breaks are text; the rest of C0,
//! DEL and C1 are not (a NUL cannot be stored in PostgreSQL, and the others break a DOCX's
//! XML). The server refuses them in what is typed; what is read from a file or written by
//! a model is kept without them.

/// Whether `c` is a control character that is not text.
pub fn is_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `text` without control characters, a form feed or a vertical tab (a break) being `brk`.
fn without(text: &str, brk: char) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\u{000B}' | '\u{000C}' => Some(brk),
            c if is_control(c) => None,
            c => Some(c),
        })
        .collect()
}

/// A value (a name, a bullet, a message) without its control characters; a form feed or a
/// vertical tab is a space.
pub fn printable(text: &str) -> String {
    without(text, ' ')
}

/// A document's text without its control characters; a form feed or a vertical tab (a page
/// or section break) is a line break.
pub fn printable_lines(text: &str) -> String {
    without(text, '\n')
}

/// `text` made [`printable`] in place, when it needs to be.
pub fn make_printable(text: &mut String) {
    if text.chars().any(is_control) {
        *text = printable(text);
    }
}

/// Every string in `value` made [`printable`].
pub fn printable_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(text) => make_printable(text),
        Value::Array(items) => items.iter_mut().for_each(printable_json),
        Value::Object(fields) => fields.values_mut().for_each(printable_json),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_go_and_breaks_are_spaces_or_line_breaks() {
        assert_eq!(printable("Ada\u{0} Love\u{7}lace\u{1b}[0m"), "Ada Lovelace[0m");
        assert_eq!(printable("Wrote\u{c}the program\u{85}"), "Wrote the program");
        assert_eq!(printable_lines("page one\u{c}page two"), "page one\npage two");
        assert_eq!(printable("two lines,\r\n\tand a tab"), "two lines,\r\n\tand a tab");
        let mut value = serde_json::json!({"name": "王小明\u{7}", "bullets": ["a\u{0}b", 3]});
        printable_json(&mut value);
        assert_eq!(value, serde_json::json!({"name": "王小明", "bullets": ["ab", 3]}));
    }
}
