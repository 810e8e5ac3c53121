//! The plain-text transcript mail of a conversation.
//!
//! Invariants: the body lists every message in seq order with its UTC timestamp and
//! author, each attachment by name with its link, and the page URL the chat started
//! on; it is plain text (never HTML), so nothing a visitor typed can become markup.
//! Nothing a visitor wrote starts a line: message lines are indented, and the page URL
//! (already validated as an `http(s)` URL without whitespace, see
//! [`crate::chat::clean_page_url`]) is quoted in angle brackets after a label.

use sitechat_core::protocol::{AuthorKind, WireMessage};
use sitechat_core::time::UnixMillis;

use crate::app::App;
use crate::db::conversations::ConversationRow;

/// A rendered mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptMail {
    pub subject: String,
    pub body: String,
}

/// Renders the transcript of `conversation` with its `messages`.
pub fn render(
    app: &App,
    conversation: &ConversationRow,
    messages: &[WireMessage],
) -> TranscriptMail {
    let mut body = String::new();
    body.push_str("Your chat transcript\n\n");
    let page = crate::chat::clean_page_url(&conversation.page_url);
    if page.is_empty() {
        body.push_str("Started on: (unknown page)\n");
    } else {
        body.push_str(&format!("Started on: <{page}>\n"));
    }
    body.push_str(&format!("Conversation: {}\n\n", conversation.id));
    for m in messages {
        let who = match m.author.kind {
            AuthorKind::Visitor => "You".to_owned(),
            AuthorKind::Agent => m.author.name.clone().unwrap_or_else(|| "Agent".into()),
            AuthorKind::Bot => m.author.name.clone().unwrap_or_else(|| "Bot".into()),
            AuthorKind::System => "System".to_owned(),
        };
        body.push_str(&format!("[{}] {who}:\n", format_utc(m.at)));
        for line in m.text.lines() {
            body.push_str("  ");
            body.push_str(line);
            body.push('\n');
        }
        for a in &m.attachments {
            body.push_str(&format!(
                "  Attachment: {} ({} bytes) {}\n",
                a.name,
                a.size,
                app.absolute_url(&a.url)
            ));
        }
        body.push('\n');
    }
    TranscriptMail { subject: "Your chat transcript".into(), body }
}

/// `2024-03-05 14:07 UTC` for a Unix-millisecond instant.
///
/// ```
/// use sitechat_server::mail::transcript::format_utc;
/// assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
/// assert_eq!(format_utc(1_709_647_620_000), "2024-03-05 14:07 UTC");
/// ```
pub fn format_utc(at: UnixMillis) -> String {
    let secs = at.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", rem / 3600, (rem % 3600) / 60)
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// well-known algorithm, re-derived here).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_across_leap_years_and_before_the_epoch() {
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc(-60_000), "1969-12-31 23:59 UTC");
        assert_eq!(format_utc(4_107_542_399_000), "2100-02-28 23:59 UTC");
    }
}
