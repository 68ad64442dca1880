//! What a job's document is rendered from, as one closed type: a resume's content or a
//! cover letter's. Every message that carries one does so in a `oneof` of the two (the
//! resume's field kept where it was, so older peers read resumes unchanged); [`Content`]
//! converts to and from each of them, and stores either as the bytes of its own message
//! (which of the two a stored one is, the job's `document` says).

use prost::Message as _;

use crate::{job::Document, v1};

/// A resume's content or a cover letter's.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Resume(v1::ResumeContent),
    CoverLetter(v1::CoverLetterContent),
}

impl Content {
    /// Which document it is the content of.
    pub fn document(&self) -> Document {
        match self {
            Content::Resume(_) => Document::Resume,
            Content::CoverLetter(_) => Document::CoverLetter,
        }
    }

    /// The stored form: its own message's bytes.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Content::Resume(resume) => resume.encode_to_vec(),
            Content::CoverLetter(letter) => letter.encode_to_vec(),
        }
    }

    /// A stored content of a `document` job.
    pub fn decode(document: Document, bytes: &[u8]) -> Result<Content, prost::DecodeError> {
        Ok(match document {
            Document::Resume => Content::Resume(v1::ResumeContent::decode(bytes)?),
            Document::CoverLetter => Content::CoverLetter(v1::CoverLetterContent::decode(bytes)?),
        })
    }
}

/// `From` both ways between [`Content`] and a message's generated `oneof` enum, whose
/// variants are named after the message's fields.
macro_rules! oneof {
    ($module:ident :: $oneof:ident, $resume:ident, $letter:ident) => {
        impl From<Content> for v1::$module::$oneof {
            fn from(content: Content) -> v1::$module::$oneof {
                match content {
                    Content::Resume(resume) => v1::$module::$oneof::$resume(resume),
                    Content::CoverLetter(letter) => v1::$module::$oneof::$letter(letter),
                }
            }
        }

        impl From<v1::$module::$oneof> for Content {
            fn from(oneof: v1::$module::$oneof) -> Content {
                match oneof {
                    v1::$module::$oneof::$resume(resume) => Content::Resume(resume),
                    v1::$module::$oneof::$letter(letter) => Content::CoverLetter(letter),
                }
            }
        }
    };
}

oneof!(get_resume_content_response::DocumentContent, Content, CoverLetter);
oneof!(render_resume_request::Edit, Content, CoverLetter);
oneof!(cached_resume::Made, Resume, CoverLetter);
oneof!(claim_task_response::RenderContent, Render, RenderCoverLetter);
oneof!(complete_task_request::Made, Resume, CoverLetter);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_content_reads_back_as_its_document() {
        let letter = Content::CoverLetter(v1::CoverLetterContent {
            greeting: "Dear team,".into(),
            paragraphs: vec!["One.".into(), "Two.".into(), "Three.".into()],
            closing: "Kind regards,".into(),
            signature: "Ada".into(),
        });
        assert_eq!(Content::decode(Document::CoverLetter, &letter.encode()).unwrap(), letter);
        let resume = Content::Resume(v1::ResumeContent { full_name: "Ada".into(), ..Default::default() });
        assert_eq!(Content::decode(Document::Resume, &resume.encode()).unwrap(), resume);
        let made: v1::cached_resume::Made = letter.clone().into();
        assert_eq!(Content::from(made), letter);
    }
}
