//! Which files the composer accepts, decided before anything is uploaded.
//!
//! The widget checks a chosen, pasted or dropped file here so the visitor hears at once
//! why it cannot be sent (and keeps what they typed); the backend checks again from the
//! bytes, since a declared type proves nothing.

use crate::bytes::format_bytes;
use crate::config::Options;
use crate::i18n::{format, text, Locale, Msg};
use crate::mime::mime_allowed;

/// Why a file cannot be attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRefusal {
    /// Attachments are off (config, page settings, or a transport without uploads).
    AttachmentsOff,
    /// Larger than `options.max_attachment_bytes`.
    TooLarge { max_bytes: u64 },
    /// Not one of `options.allowed_attachment_types`.
    TypeNotAllowed,
}

impl FileRefusal {
    /// The sentence the composer shows, in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            FileRefusal::AttachmentsOff | FileRefusal::TypeNotAllowed => {
                text(locale, Msg::FileTypeNotAllowed).to_owned()
            }
            FileRefusal::TooLarge { max_bytes } => {
                let max = format_bytes(locale, *max_bytes);
                format(locale, Msg::FileTooLarge, &[("max", &max)])
            }
        }
    }
}

/// Whether a file of `size` bytes and declared type `mime` may be attached.
///
/// # Example
/// ```
/// use sitechat_core::config::Options;
/// use sitechat_core::file_check::{check_file, FileRefusal};
/// let options = Options::default();
/// assert_eq!(check_file(&options, true, 1_000, "image/png"), Ok(()));
/// assert_eq!(check_file(&options, false, 1_000, "image/png"), Err(FileRefusal::AttachmentsOff));
/// assert_eq!(check_file(&options, true, 1_000, "application/x-msdownload"), Err(FileRefusal::TypeNotAllowed));
/// ```
pub fn check_file(
    options: &Options,
    attachments_allowed: bool,
    size: u64,
    mime: &str,
) -> Result<(), FileRefusal> {
    if !attachments_allowed {
        Err(FileRefusal::AttachmentsOff)
    } else if size > options.max_attachment_bytes {
        Err(FileRefusal::TooLarge { max_bytes: options.max_attachment_bytes })
    } else if !mime_allowed(&options.allowed_attachment_types, mime) {
        Err(FileRefusal::TypeNotAllowed)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_is_checked_before_type_and_the_limit_itself_passes() {
        let options = Options { max_attachment_bytes: 2048, ..Options::default() };
        assert_eq!(check_file(&options, true, 2048, "image/png"), Ok(()));
        assert_eq!(
            check_file(&options, true, 2049, "application/x-msdownload"),
            Err(FileRefusal::TooLarge { max_bytes: 2048 })
        );
    }

    #[test]
    fn an_unknown_type_is_refused_unless_everything_is_allowed() {
        let mut options = Options::default();
        assert_eq!(check_file(&options, true, 1, ""), Err(FileRefusal::TypeNotAllowed));
        options.allowed_attachment_types = vec!["*/*".into()];
        assert_eq!(check_file(&options, true, 1, ""), Ok(()));
    }

    #[test]
    fn refusals_read_as_sentences_with_their_numbers() {
        let too_large = FileRefusal::TooLarge { max_bytes: 10 * 1024 * 1024 };
        for locale in [Locale::En, Locale::Fr] {
            for refusal in
                [FileRefusal::AttachmentsOff, FileRefusal::TypeNotAllowed, too_large.clone()]
            {
                let message = refusal.message(locale);
                assert!(!message.is_empty() && !message.contains('{'), "{locale:?}: {message}");
            }
        }
        assert!(too_large.message(Locale::En).contains("10"), "{}", too_large.message(Locale::En));
    }
}
