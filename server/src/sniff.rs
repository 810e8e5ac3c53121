//! Deciding what an uploaded file really is, from its first bytes.
//!
//! Invariants:
//! - the stored type is the sniffed one, never the client's declared type;
//! - only the allow-list passes: PNG, JPEG, GIF, WebP, PDF, plain text and CSV,
//!   Office Open XML (docx, xlsx, pptx) and legacy Office (doc, xls, ppt) — exactly the
//!   widget's default `allowed_attachment_types`
//!   (`sitechat_core::config::DEFAULT_ATTACHMENT_TYPES`; a test keeps them equal);
//! - executables (PE, ELF, Mach-O, scripts with `#!`) are refused whatever their name;
//! - container formats shared by several types (ZIP, OLE2) are told apart by the
//!   file name's extension, and only once the container itself is recognised.

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Executable,
    NotAllowed,
    Empty,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refused::Executable => "executable files are not allowed",
            Refused::NotAllowed => {
                "this file type is not allowed (images, PDF, text and Office documents are)"
            }
            Refused::Empty => "the file is empty",
        })
    }
}

fn extension(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => String::new(),
    }
}

/// The MIME type of an allowed file, judged from its bytes (and, for containers, its
/// name's extension).
///
/// ```
/// use sitechat_server::sniff::{sniff, Refused};
/// assert_eq!(sniff(b"\x89PNG\r\n\x1a\n rest", "photo.png"), Ok("image/png"));
/// assert_eq!(sniff(b"MZ\x90\x00 this is a program", "photo.png"), Err(Refused::Executable));
/// assert_eq!(sniff(b"hello\n", "notes.txt"), Ok("text/plain; charset=utf-8"));
/// ```
pub fn sniff(bytes: &[u8], name: &str) -> Result<&'static str, Refused> {
    if bytes.is_empty() {
        return Err(Refused::Empty);
    }
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"MZ")
        || starts(b"\x7fELF")
        || starts(b"#!")
        || starts(b"\xcf\xfa\xed\xfe")
        || starts(b"\xca\xfe\xba\xbe")
    {
        return Err(Refused::Executable);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok("image/png");
    }
    if starts(b"\xff\xd8\xff") {
        return Ok("image/jpeg");
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Ok("image/gif");
    }
    if bytes.len() >= 12 && starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok("image/webp");
    }
    if starts(b"%PDF-") {
        return Ok("application/pdf");
    }
    let ext = extension(name);
    if starts(b"PK\x03\x04") {
        let is_ooxml = contains(bytes, b"[Content_Types].xml");
        return match (is_ooxml, ext.as_str()) {
            (true, "docx") => {
                Ok("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            }
            (true, "xlsx") => {
                Ok("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            }
            (true, "pptx") => {
                Ok("application/vnd.openxmlformats-officedocument.presentationml.presentation")
            }
            _ => Err(Refused::NotAllowed),
        };
    }
    if starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        return match ext.as_str() {
            "doc" => Ok("application/msword"),
            "xls" => Ok("application/vnd.ms-excel"),
            "ppt" => Ok("application/vnd.ms-powerpoint"),
            _ => Err(Refused::NotAllowed),
        };
    }
    if looks_like_text(bytes) {
        return Ok(if ext == "csv" {
            "text/csv; charset=utf-8"
        } else {
            "text/plain; charset=utf-8"
        });
    }
    Err(Refused::NotAllowed)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// UTF-8 without NUL or other control bytes than tab, newline, carriage return
/// and form feed.
fn looks_like_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok()
        && bytes.iter().all(|b| *b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
}

/// Whether browsers may show this type inline (images only).
pub fn is_inline_image(mime: &str) -> bool {
    matches!(mime, "image/png" | "image/jpeg" | "image/gif" | "image/webp")
}

/// A file name safe to store and to show: the last path component, without control
/// characters or invisible formatting ones (bidi overrides would let `cv\u{202E}fdp.exe`
/// show as `cvexe.pdf`), at most 200 characters, never empty, never `.` or `..`.
///
/// ```
/// use sitechat_server::sniff::clean_file_name;
/// assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
/// assert_eq!(clean_file_name("C:\\Users\\me\\cv.pdf"), "cv.pdf");
/// assert_eq!(clean_file_name(".."), "file");
/// ```
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String =
        last.chars().filter(|&c| !c.is_control() && !is_invisible_format(c)).take(200).collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') {
        "file".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Zero-width and bidirectional formatting characters, which make a name display
/// differently from what it is (the same set `sitechat_core::linkify` keeps out of links).
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use sitechat_core::config::DEFAULT_ATTACHMENT_TYPES;
    use sitechat_core::mime::mime_allowed;

    /// One file of every type the sniffer accepts.
    const SAMPLES: [(&[u8], &str); 13] = [
        (b"\x89PNG\r\n\x1a\n....", "a.png"),
        (b"\xff\xd8\xff\xe0....", "a.jpg"),
        (b"GIF89a....", "a.gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "a.webp"),
        (b"%PDF-1.7 ....", "a.pdf"),
        (b"plain words\n", "a.txt"),
        (b"a,b\n1,2\n", "a.csv"),
        (b"PK\x03\x04..[Content_Types].xml..", "a.docx"),
        (b"PK\x03\x04..[Content_Types].xml..", "a.xlsx"),
        (b"PK\x03\x04..[Content_Types].xml..", "a.pptx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...", "a.doc"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...", "a.xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...", "a.ppt"),
    ];

    #[test]
    fn the_widgets_default_types_are_exactly_what_the_sniffer_accepts() {
        let defaults: Vec<String> =
            DEFAULT_ATTACHMENT_TYPES.iter().map(|t| (*t).to_owned()).collect();
        let mut sniffed: Vec<&str> = SAMPLES
            .iter()
            .map(|(bytes, name)| {
                let mime = sniff(bytes, name).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(mime_allowed(&defaults, mime), "the widget would refuse {mime} ({name})");
                mime.split(';').next().unwrap_or(mime)
            })
            .collect();
        sniffed.sort_unstable();
        let mut listed: Vec<&str> = DEFAULT_ATTACHMENT_TYPES.to_vec();
        listed.sort_unstable();
        assert_eq!(sniffed, listed, "a default type the server refuses, or the reverse");
        // What browsers report for files the sniffer refuses: not offered by default.
        for refused in [
            "image/heic",
            "image/avif",
            "image/bmp",
            "image/svg+xml",
            "image/tiff",
            "application/vnd.oasis.opendocument.text",
            "application/zip",
            "text/html",
        ] {
            assert!(!mime_allowed(&defaults, refused), "{refused} is in the defaults");
        }
    }

    #[test]
    fn an_executable_renamed_as_an_image_is_refused() {
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00\x00\x00", "cat.png"), Err(Refused::Executable));
        assert_eq!(sniff(b"\x7fELF\x02\x01", "cat.jpg"), Err(Refused::Executable));
    }

    #[test]
    fn containers_need_a_matching_extension() {
        let zip = b"PK\x03\x04....[Content_Types].xml....";
        assert!(sniff(zip, "report.docx").is_ok());
        assert_eq!(sniff(zip, "report.zip"), Err(Refused::NotAllowed));
        assert_eq!(sniff(b"PK\x03\x04 plain zip", "report.docx"), Err(Refused::NotAllowed));
        assert_eq!(
            sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...", "old.xls"),
            Ok("application/vnd.ms-excel")
        );
    }

    #[test]
    fn binary_garbage_and_empty_files_are_refused() {
        assert_eq!(sniff(b"\x00\x01\x02\x03", "data.txt"), Err(Refused::NotAllowed));
        assert_eq!(sniff(b"", "empty.txt"), Err(Refused::Empty));
        assert_eq!(sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ", "a.webp"), Ok("image/webp"));
    }
}
