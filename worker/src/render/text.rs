//! Plain text and Markdown, what ATS forms and e-mails take: the same sections as the DOCX
//! and PDF, in reading order (a letter: sender, addressee, greeting, paragraphs, closing,
//! signature). Markdown escapes every character of the candidate's text
//! that could become markup, so their data stays text.

use crate::model::{Letter, Resume};

/// The MIME type of the plain-text resume.
pub const TEXT_CONTENT_TYPE: &str = "text/plain; charset=utf-8";
/// The MIME type of the Markdown resume.
pub const MARKDOWN_CONTENT_TYPE: &str = "text/markdown; charset=utf-8";

/// How one format writes the few things that differ.
struct Style {
    markdown: bool,
}

impl Style {
    /// Candidate text inside a line, on one line.
    fn text(&self, value: &str) -> String {
        let line = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if self.markdown { escape(&line) } else { line }
    }

    /// A line made of candidate text (already through [`Style::text`]): a block marker at
    /// its start escaped too.
    fn line(&self, text: String) -> String {
        let marker = text.starts_with(['-', '+', '=']) || text.starts_with(|c: char| c.is_ascii_digit());
        if self.markdown && marker { format!("\\{text}") } else { text }
    }

    fn heading(&self, out: &mut String, title: &str) {
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        if self.markdown {
            out.push_str(&format!("## {title}\n\n"));
        } else {
            out.push_str(&format!("{}\n", title.to_uppercase()));
        }
    }
}

/// Backslash-escapes what CommonMark could read as inline markup (block markers at a
/// line's start are [`Style::line`]'s).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The letter as Markdown when `markdown`, else as plain text: the sender's name and
/// contact line (not when anonymised), the addressee, then the letter, a paragraph each.
pub fn letter(letter: &Letter, markdown: bool) -> String {
    let style = Style { markdown };
    let mut out = String::new();
    if !letter.anonymised {
        let sender = style.text(&letter.sender);
        out.push_str(&if markdown { format!("**{sender}**\n") } else { format!("{sender}\n") });
        if !letter.contact.is_empty() {
            let contact: Vec<String> = letter.contact.iter().map(|c| style.text(&c.text)).collect();
            out.push_str(&format!("{}\n", contact.join(" | ")));
        }
        out.push('\n');
    }
    if let Some(addressee) = &letter.addressee {
        out.push_str(&format!("{}\n\n", style.line(style.text(addressee))));
    }
    out.push_str(&format!("{}\n", style.line(style.text(&letter.greeting))));
    for paragraph in &letter.paragraphs {
        out.push_str(&format!("\n{}\n", style.line(style.text(paragraph))));
    }
    // A Markdown hard line break keeps the signature under the closing.
    let line_break = if markdown { "\\" } else { "" };
    out.push_str(&format!("\n{}{line_break}\n", style.line(style.text(&letter.closing))));
    out.push_str(&format!("{}\n", style.line(style.text(&letter.signature))));
    out
}

/// The resume as plain text.
pub fn plain(resume: &Resume) -> String {
    write(resume, &Style { markdown: false })
}

/// The resume as Markdown.
pub fn markdown(resume: &Resume) -> String {
    write(resume, &Style { markdown: true })
}

fn write(resume: &Resume, style: &Style) -> String {
    let md = style.markdown;
    let mut out = String::new();
    if md {
        out.push_str(&format!("# {}\n\n", style.text(&resume.full_name)));
    } else {
        out.push_str(&format!("{}\n", style.text(&resume.full_name)));
    }
    let contact: Vec<String> = resume
        .contact
        .iter()
        .map(|item| match (&item.url, md) {
            (Some(url), true) if !url.starts_with("mailto:") => {
                format!("[{}](<{}>)", style.text(&item.text), url.replace('>', "%3E"))
            }
            _ => style.text(&item.text),
        })
        .collect();
    if !contact.is_empty() {
        out.push_str(&contact.join(" | "));
        out.push('\n');
    }
    if let Some(headline) = &resume.headline {
        let headline = style.text(headline);
        out.push_str(&if md { format!("\n*{headline}*\n") } else { format!("{headline}\n") });
    }
    if let Some(summary) = &resume.summary {
        style.heading(&mut out, "Summary");
        out.push_str(&format!("{}\n", style.line(style.text(summary))));
    }
    if !resume.skills.is_empty() {
        style.heading(&mut out, "Skills");
        let skills: Vec<String> = resume.skills.iter().map(|s| style.text(s)).collect();
        out.push_str(&format!("{}\n", style.line(skills.join(" · "))));
    }
    if !resume.experience.is_empty() {
        style.heading(&mut out, "Experience");
        for role in &resume.experience {
            let title = format!("{}, {}", style.text(&role.title), style.text(&role.company));
            let details: Vec<String> = role
                .location
                .iter()
                .chain(std::iter::once(&role.period))
                .filter(|d| !d.is_empty())
                .map(|d| style.text(d))
                .collect();
            if md {
                out.push_str(&format!("### {title}\n\n"));
                if !details.is_empty() {
                    out.push_str(&format!("{}\n\n", style.line(details.join(" · "))));
                }
            } else {
                let details = if details.is_empty() { String::new() } else { format!(" · {}", details.join(" · ")) };
                out.push_str(&format!("\n{title}{details}\n"));
            }
            for highlight in &role.highlights {
                out.push_str(&format!("- {}\n", style.line(style.text(highlight))));
            }
            if md {
                out.push('\n');
            }
        }
    }
    if !resume.education.is_empty() {
        style.heading(&mut out, "Education");
        for study in &resume.education {
            let mut line = if md {
                format!("**{}**", style.text(&study.institution))
            } else {
                style.line(style.text(&study.institution))
            };
            for detail in study.degree.iter().chain(&study.period) {
                line.push_str(&format!(" · {}", style.text(detail)));
            }
            out.push_str(&if md { format!("- {line}\n") } else { format!("{line}\n") });
        }
    }
    if !resume.certifications.is_empty() {
        style.heading(&mut out, "Certifications");
        for cert in &resume.certifications {
            let detail = cert.detail.as_deref().map(|d| format!(" · {}", style.text(d))).unwrap_or_default();
            out.push_str(&format!("- {}{detail}\n", style.line(style.text(&cert.name))));
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
