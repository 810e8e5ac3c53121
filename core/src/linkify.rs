//! Turning the URLs and e-mail addresses people type in plain text into safe links.
//!
//! Messages are plain text, never HTML; the widget renders each [`Segment`] as a text
//! node or an `<a target="_blank" rel="noopener noreferrer">` whose `href` comes from
//! here. Recognised: `http://…`, `https://…`, `mailto:…` (any case), bare `www.…`
//! (linked as `https://`) and bare addresses `name@domain.tld` (linked as `mailto:`).
//!
//! Invariants, whatever the input:
//! - concatenating every segment's text gives back the input exactly;
//! - every `href` starts with `http://`, `https://` or `mailto:` (the scheme is
//!   written in lower case); no other scheme (`javascript:`, `data:`, `vbscript:`,
//!   `file:`…) ever becomes a link, because links are only *recognised* from those
//!   prefixes, never accepted from what the text claims;
//! - a link's text never contains whitespace, control or invisible formatting
//!   characters (bidi overrides, zero-width spaces), `<`, `>` or `"`, and its `href`
//!   is its text (plus the added scheme), so a link shows where it goes;
//! - trailing sentence punctuation (`.,!?:;…`, closing quotes) stays outside a link;
//!   a closing `)` or `]` stays inside only when the link opened it (Wikipedia-style);
//! - no text is adjacent to another text segment, and no segment is empty;
//! - slicing only ever happens on `char` boundaries: no panic on any Unicode text;
//! - work is linear in the input length (bounded look-back for e-mail addresses).

/// A piece of a message: plain text, or a link to render as an anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Text to show as is (as a text node, never as HTML).
    Text(&'a str),
    /// A link: `text` is what the visitor typed and sees, `href` where it goes.
    Link { text: &'a str, href: String },
}

impl<'a> Segment<'a> {
    /// The part of the input this segment covers.
    pub fn text(&self) -> &'a str {
        match self {
            Segment::Text(text) | Segment::Link { text, .. } => text,
        }
    }
}

/// Longest local part (before `@`) recognised in a bare address (RFC 5321 limit); it
/// also bounds how far back the scanner looks when it meets an `@`.
const MAX_LOCAL_PART: usize = 64;

/// Splits plain text into text and link segments.
///
/// # Example
/// ```
/// use sitechat_core::linkify::{linkify, Segment};
/// let segments = linkify("See www.example.com/a_(b), or mail ada@example.org!");
/// assert_eq!(
///     segments,
///     vec![
///         Segment::Text("See "),
///         Segment::Link { text: "www.example.com/a_(b)", href: "https://www.example.com/a_(b)".into() },
///         Segment::Text(", or mail "),
///         Segment::Link { text: "ada@example.org", href: "mailto:ada@example.org".into() },
///         Segment::Text("!"),
///     ]
/// );
/// assert_eq!(linkify("javascript:alert(1)"), vec![Segment::Text("javascript:alert(1)")]);
/// ```
pub fn linkify(text: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    // Start of the text not yet emitted; `pending` and `i` are always char boundaries.
    let mut pending = 0;
    let mut i = 0;
    let mut prev: Option<char> = None;
    while let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) {
        let found = if c == '@' {
            email_around(text, pending, i)
        } else {
            text.get(i..).and_then(|rest| url_at(rest, prev)).map(|(len, href)| (i, i + len, href))
        };
        match found {
            Some((start, end, href)) => {
                if pending < start {
                    segments.push(Segment::Text(&text[pending..start]));
                }
                let link = &text[start..end];
                prev = link.chars().next_back();
                segments.push(Segment::Link { text: link, href });
                pending = end;
                i = end;
            }
            None => {
                prev = Some(c);
                i += c.len_utf8();
            }
        }
    }
    if pending < text.len() {
        segments.push(Segment::Text(&text[pending..]));
    }
    segments
}

/// The kinds of link that start with a recognisable prefix.
#[derive(Clone, Copy)]
enum Prefix {
    /// `http://` or `https://`; the value is the prefix length.
    Web(usize),
    /// `mailto:`.
    Mailto,
    /// Bare `www.`.
    Www,
}

/// A link starting exactly at the beginning of `rest`: its byte length and `href`.
///
/// Cheap checks on what follows the prefix come before scanning the rest of the
/// run, so a long run of failed candidates (`mailto:mailto:…`) stays linear.
fn url_at(rest: &str, prev: Option<char>) -> Option<(usize, String)> {
    let prefix = prefix_of(rest)?;
    let starts_word = match prefix {
        Prefix::Web(_) | Prefix::Mailto => prev.is_none_or(|p| !p.is_alphanumeric()),
        Prefix::Www => {
            prev.is_none_or(|p| !p.is_alphanumeric() && !matches!(p, '.' | '-' | '_' | '/' | '@'))
        }
    };
    if !starts_word || !promising(rest, prefix) {
        return None;
    }
    let candidate = trim_trailing(&rest[..run_len(rest)]);
    let (scheme, rest_of_link) = match prefix {
        Prefix::Web(len) => (candidate.get(..len)?.to_ascii_lowercase(), candidate.get(len..)?),
        Prefix::Mailto => ("mailto:".to_string(), candidate.get("mailto:".len()..)?),
        Prefix::Www => ("https://".to_string(), candidate),
    };
    // Trimming may have eaten what made the start promising (`www.a.` → `www.a`).
    if !promising(candidate, prefix) {
        return None;
    }
    Some((candidate.len(), format!("{scheme}{rest_of_link}")))
}

/// Whether what follows the prefix can start a link: a host for the web, a mailbox
/// (`local@domain`) for `mailto:`, a host with at least two labels after `www.`.
fn promising(s: &str, prefix: Prefix) -> bool {
    match prefix {
        Prefix::Web(len) => {
            s.get(len..).and_then(|r| r.chars().next()).is_some_and(char::is_alphanumeric)
        }
        Prefix::Mailto => {
            let address = s.get("mailto:".len()..).unwrap_or("");
            let local_len: usize = address
                .chars()
                .take_while(|&c| is_local_char(c))
                .take(MAX_LOCAL_PART + 1)
                .map(char::len_utf8)
                .sum();
            let after_local = &address[local_len..];
            local_len > 0
                && after_local
                    .strip_prefix('@')
                    .and_then(|d| d.chars().next())
                    .is_some_and(char::is_alphanumeric)
        }
        Prefix::Www => {
            let after_www = s.get("www.".len()..).unwrap_or("");
            let label_len = after_www
                .find(|c: char| !(c.is_alphanumeric() || c == '-'))
                .unwrap_or(after_www.len());
            let after_label = &after_www[label_len..];
            after_www.chars().next().is_some_and(char::is_alphanumeric)
                && after_label
                    .strip_prefix('.')
                    .and_then(|r| r.chars().next())
                    .is_some_and(char::is_alphanumeric)
        }
    }
}

fn prefix_of(rest: &str) -> Option<Prefix> {
    let starts = |p: &str| rest.get(..p.len()).is_some_and(|head| head.eq_ignore_ascii_case(p));
    if starts("https://") {
        Some(Prefix::Web("https://".len()))
    } else if starts("http://") {
        Some(Prefix::Web("http://".len()))
    } else if starts("mailto:") {
        Some(Prefix::Mailto)
    } else if starts("www.") {
        Some(Prefix::Www)
    } else {
        None
    }
}

/// Byte length of the longest prefix of `s` made of characters a link may contain.
fn run_len(s: &str) -> usize {
    s.find(ends_link).unwrap_or(s.len())
}

/// Characters that can never be inside a link.
fn ends_link(c: char) -> bool {
    c.is_whitespace() || c.is_control() || is_invisible_format(c) || matches!(c, '<' | '>' | '"')
}

/// Zero-width and bidirectional formatting characters: inside a link they could make
/// its text display differently from where it goes.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// Punctuation that ends a sentence rather than a link.
fn is_trailing_punctuation(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | '!' | '?' | ':' | ';' | '\'' | '’' | '”' | '»' | '›' | '…' | '*' | '_' | '~'
    )
}

/// Drops sentence punctuation and unmatched closing brackets from the end of a link.
fn trim_trailing(candidate: &str) -> &str {
    let count = |c: char| candidate.chars().filter(|&x| x == c).count();
    let (mut open_paren, mut close_paren) = (count('('), count(')'));
    let (mut open_bracket, mut close_bracket) = (count('['), count(']'));
    let mut end = candidate.len();
    while let Some(last) = candidate[..end].chars().next_back() {
        let drop = match last {
            ')' => close_paren > open_paren,
            ']' => close_bracket > open_bracket,
            c => is_trailing_punctuation(c),
        };
        if !drop {
            break;
        }
        match last {
            ')' => close_paren -= 1,
            ']' => close_bracket -= 1,
            '(' => open_paren -= 1,
            '[' => open_bracket -= 1,
            _ => {}
        }
        end -= last.len_utf8();
    }
    &candidate[..end]
}

/// A bare e-mail address whose `@` is at `at`, not reaching back before `floor`
/// (text already emitted): `(start, end, href)`.
fn email_around(text: &str, floor: usize, at: usize) -> Option<(usize, usize, String)> {
    let before = text.get(floor..at)?;
    let local_len: usize = before
        .chars()
        .rev()
        .take_while(|&c| is_local_char(c))
        .take(MAX_LOCAL_PART + 1)
        .map(char::len_utf8)
        .sum();
    let local_run = &before[before.len() - local_len..];
    // Dots may join words of the local part but never start it.
    let local = local_run.trim_start_matches('.');
    if local.is_empty() || local.chars().count() > MAX_LOCAL_PART || local.ends_with('.') {
        return None;
    }
    let start = at - local.len();
    // Part of a URL's user info (`ftp://user@host`) or a second `@`: not an address.
    let preceding = text.get(..start).and_then(|s| s.chars().next_back());
    if matches!(preceding, Some('/' | '\\' | '@')) {
        return None;
    }
    let after = text.get(at + 1..)?;
    let domain_run = &after[..after.find(|c: char| !is_domain_char(c)).unwrap_or(after.len())];
    let domain = domain_run.trim_end_matches(['.', '-']);
    if !is_plausible_domain(domain) {
        return None;
    }
    let end = at + 1 + domain.len();
    let address = text.get(start..end)?;
    Some((start, end, format!("mailto:{address}")))
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_domain_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-')
}

/// At least two labels, none empty or edged with `-`, ending in an alphabetic top-level
/// label of two letters or more.
fn is_plausible_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let well_formed = labels
        .iter()
        .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
    let top_level_ok = labels
        .last()
        .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    labels.len() >= 2 && well_formed && top_level_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link<'a>(text: &'a str, href: &str) -> Segment<'a> {
        Segment::Link { text, href: href.to_string() }
    }

    /// The (text, href) of every link found.
    fn links(text: &str) -> Vec<(&str, String)> {
        linkify(text)
            .into_iter()
            .filter_map(|s| match s {
                Segment::Link { text, href } => Some((text, href)),
                Segment::Text(_) => None,
            })
            .collect()
    }

    fn no_links(text: &str) -> bool {
        links(text).is_empty()
    }

    #[test]
    fn plain_text_is_one_segment_and_empty_is_none() {
        assert_eq!(linkify("hello there"), vec![Segment::Text("hello there")]);
        assert_eq!(linkify(""), vec![]);
    }

    #[test]
    fn finds_http_https_and_mailto() {
        assert_eq!(
            linkify("go to https://a.example/x?y=1#z now"),
            vec![
                Segment::Text("go to "),
                link("https://a.example/x?y=1#z", "https://a.example/x?y=1#z"),
                Segment::Text(" now")
            ]
        );
        assert_eq!(
            links("http://a.example"),
            vec![("http://a.example", "http://a.example".to_string())]
        );
        assert_eq!(
            links("write mailto:ada@example.org?subject=Hi"),
            vec![(
                "mailto:ada@example.org?subject=Hi",
                "mailto:ada@example.org?subject=Hi".to_string()
            )]
        );
    }

    #[test]
    fn scheme_case_is_normalised_in_href_but_not_in_text() {
        assert_eq!(
            links("HTTPS://A.example/Path"),
            vec![("HTTPS://A.example/Path", "https://A.example/Path".to_string())]
        );
        assert_eq!(links("MailTo:x@y.fr"), vec![("MailTo:x@y.fr", "mailto:x@y.fr".to_string())]);
    }

    #[test]
    fn bare_www_gets_https() {
        assert_eq!(
            linkify("www.yourcompany.com/pricing/#hs-chat-open"),
            vec![link(
                "www.yourcompany.com/pricing/#hs-chat-open",
                "https://www.yourcompany.com/pricing/#hs-chat-open"
            )]
        );
        assert_eq!(
            links("WWW.Example.com"),
            vec![("WWW.Example.com", "https://WWW.Example.com".to_string())]
        );
    }

    #[test]
    fn www_needs_a_real_host_and_a_word_start() {
        assert!(no_links("www."));
        assert!(no_links("www.example"));
        assert!(no_links("www..com"));
        assert!(no_links("awww.example.com"));
        assert!(no_links("foo.www.example.com"));
    }

    #[test]
    fn bare_email_gets_mailto() {
        assert_eq!(
            linkify("Mail ada.lovelace+chat@math.example.co.uk."),
            vec![
                Segment::Text("Mail "),
                link(
                    "ada.lovelace+chat@math.example.co.uk",
                    "mailto:ada.lovelace+chat@math.example.co.uk"
                ),
                Segment::Text("."),
            ]
        );
        assert_eq!(links("(bob@x.io)"), vec![("bob@x.io", "mailto:bob@x.io".to_string())]);
        assert_eq!(links("...a@b.com"), vec![("a@b.com", "mailto:a@b.com".to_string())]);
    }

    #[test]
    fn things_that_are_not_email_addresses() {
        for s in [
            "@example.com",
            "a@",
            "a@b",
            "a@b.c",
            "a@b..com",
            "a@-b.com",
            "a@b.c0m",
            "ftp://user@host.com",
            "a.@b.com",
            "x@@y.com",
        ] {
            assert!(no_links(s), "{s:?} must not be linked, got {:?}", linkify(s));
        }
    }

    #[test]
    fn too_long_local_part_is_not_linked() {
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(no_links(&long));
        let ok = format!("{}@example.com", "a".repeat(64));
        assert_eq!(links(&ok).len(), 1);
    }

    #[test]
    fn email_inside_url_stays_part_of_the_url() {
        assert_eq!(
            links("https://example.com/u/ada@example.org"),
            vec![(
                "https://example.com/u/ada@example.org",
                "https://example.com/u/ada@example.org".to_string()
            )]
        );
    }

    #[test]
    fn dangerous_schemes_stay_text() {
        for s in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "   javascript:alert(1)",
            "&#106;avascript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "ftp://example.com",
            "\u{0}javascript:alert(1)",
            "jav&#x61;script:alert(1)",
        ] {
            assert_eq!(linkify(s), vec![Segment::Text(s)], "{s:?}");
        }
    }

    #[test]
    fn prefix_glued_to_a_word_is_not_a_link() {
        assert!(no_links("xhttp://example.com"));
        assert!(no_links("fakehttps://example.com"));
        assert!(no_links("http://"));
        assert!(no_links("https://."));
        assert!(no_links("https:// example.com"));
        assert!(no_links("mailto:"));
        assert!(no_links("mailto:nobody"));
    }

    #[test]
    fn a_web_link_after_another_scheme_is_still_only_http() {
        // The href is built from the recognised prefix, so the text before it stays text.
        assert_eq!(
            linkify("javascript:https://evil.example"),
            vec![
                Segment::Text("javascript:"),
                link("https://evil.example", "https://evil.example")
            ]
        );
    }

    #[test]
    fn trailing_punctuation_is_left_out() {
        for (input, expected) in [
            ("https://a.example.", "https://a.example"),
            ("https://a.example/x,", "https://a.example/x"),
            ("https://a.example/x!?", "https://a.example/x"),
            ("https://a.example/x:", "https://a.example/x"),
            ("https://a.example/x;", "https://a.example/x"),
            ("'https://a.example/x'", "https://a.example/x"),
            ("“https://a.example/x”", "https://a.example/x"),
            ("«\u{a0}https://a.example/x\u{a0}»", "https://a.example/x"),
            ("https://a.example/x…", "https://a.example/x"),
            ("https://a.example/x?q=1.", "https://a.example/x?q=1"),
        ] {
            assert_eq!(links(input).first().map(|l| l.0), Some(expected), "{input:?}");
        }
    }

    #[test]
    fn closing_paren_only_when_the_link_opened_it() {
        assert_eq!(
            links("(see https://en.wikipedia.org/wiki/Rust_(programming_language))")
                .first()
                .map(|l| l.0),
            Some("https://en.wikipedia.org/wiki/Rust_(programming_language)")
        );
        assert_eq!(
            links("(see https://a.example/x)").first().map(|l| l.0),
            Some("https://a.example/x")
        );
        assert_eq!(
            links("https://a.example/x))).").first().map(|l| l.0),
            Some("https://a.example/x")
        );
        assert_eq!(
            links("[https://a.example/x]").first().map(|l| l.0),
            Some("https://a.example/x")
        );
        assert_eq!(
            links("https://a.example/a[0]").first().map(|l| l.0),
            Some("https://a.example/a[0]")
        );
    }

    #[test]
    fn links_stop_at_whitespace_angle_brackets_quotes_and_invisible_characters() {
        assert_eq!(
            links("<https://a.example/x>").first().map(|l| l.0),
            Some("https://a.example/x")
        );
        assert_eq!(
            links("\"https://a.example/x\"y").first().map(|l| l.0),
            Some("https://a.example/x")
        );
        assert_eq!(
            links("https://a.example/x\u{a0}y").first().map(|l| l.0),
            Some("https://a.example/x")
        );
        assert_eq!(
            links("https://a.example/x\u{202E}gpj.exe").first().map(|l| l.0),
            Some("https://a.example/x")
        );
        assert_eq!(
            links("https://a.example/x\u{200B}y").first().map(|l| l.0),
            Some("https://a.example/x")
        );
    }

    #[test]
    fn unicode_text_around_and_inside_links() {
        assert_eq!(
            links("https://exämple.com"),
            vec![("https://exämple.com", "https://exämple.com".to_string())]
        );
        let rtl = "שלום https://a.example/עברית مرحبا";
        assert_eq!(
            linkify(rtl),
            vec![
                Segment::Text("שלום "),
                link("https://a.example/עברית", "https://a.example/עברית"),
                Segment::Text(" مرحبا")
            ]
        );
        let emoji = "🎉https://a.example/🙂 and 👍élodie@exämple.fr👍";
        assert_eq!(
            links(emoji),
            vec![
                ("https://a.example/🙂", "https://a.example/🙂".to_string()),
                ("élodie@exämple.fr", "mailto:élodie@exämple.fr".to_string()),
            ]
        );
        assert_eq!(concat(&linkify(emoji)), emoji);
    }

    #[test]
    fn several_links_in_a_row() {
        let text = "a@b.com,https://c.example www.d.example";
        assert_eq!(
            linkify(text),
            vec![
                link("a@b.com", "mailto:a@b.com"),
                Segment::Text(","),
                link("https://c.example", "https://c.example"),
                Segment::Text(" "),
                link("www.d.example", "https://www.d.example"),
            ]
        );
    }

    fn concat(segments: &[Segment<'_>]) -> String {
        segments.iter().map(Segment::text).collect()
    }

    /// A tiny deterministic generator (xorshift64*), so the fuzz loop is reproducible.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
        }
    }

    #[test]
    fn random_text_keeps_every_invariant() {
        const PIECES: &[&str] = &[
            "http://",
            "HTTPS://",
            "https://",
            "mailto:",
            "MAILTO:",
            "www.",
            "WwW.",
            "@",
            ".",
            ",",
            "!",
            "?",
            ":",
            ";",
            "(",
            ")",
            "[",
            "]",
            "'",
            "\"",
            "’",
            "”",
            "<",
            ">",
            " ",
            "\t",
            "\n",
            "\u{a0}",
            "\u{202E}",
            "\u{200B}",
            "a",
            "b",
            "Z",
            "0",
            "9",
            "-",
            "_",
            "+",
            "%",
            "/",
            "#",
            "=",
            "&",
            "com",
            "example",
            "javascript:",
            "JaVaScRiPt:",
            "data:",
            "vbscript:",
            "file:",
            "é",
            "ä",
            "🙂",
            "👍🏽",
            "ש",
            "مر",
            "中",
            "\u{301}",
            "\u{0}",
            "\\",
            "…",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let len = rng.below(24);
            let input: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
            let segments = linkify(&input);
            assert_eq!(concat(&segments), input);
            for (i, segment) in segments.iter().enumerate() {
                assert!(!segment.text().is_empty(), "empty segment in {input:?}");
                match segment {
                    Segment::Text(_) => {
                        let next_is_text = matches!(segments.get(i + 1), Some(Segment::Text(_)));
                        assert!(!next_is_text, "adjacent text segments in {input:?}");
                    }
                    Segment::Link { text, href } => {
                        assert!(
                            href.starts_with("http://")
                                || href.starts_with("https://")
                                || href.starts_with("mailto:"),
                            "bad href {href:?} from {input:?}"
                        );
                        assert!(
                            !text.chars().any(ends_link),
                            "bad link text {text:?} from {input:?}"
                        );
                        assert!(
                            href.to_lowercase().ends_with(&text.to_lowercase()),
                            "{href:?} is not {text:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn pathological_input_is_fast() {
        let dots = "a.".repeat(20_000) + "@";
        let parens = format!("https://a.example/{}", ")".repeat(20_000));
        let ats = "a@".repeat(20_000);
        let mailtos = "mailto:".repeat(5_000);
        let hosts = "http://-".repeat(5_000);
        let wwws = "www.a(".repeat(5_000);
        for input in [dots, parens, ats, mailtos, hosts, wwws] {
            assert_eq!(concat(&linkify(&input)), input);
        }
    }
}
