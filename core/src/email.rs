//! A pragmatic check of an e-mail address typed by a visitor (transcript, e-mail capture).
//!
//! It catches typos before the address reaches the backend, which remains the judge
//! (it is the one that sends mail). Invariants: accepted addresses have exactly one `@`,
//! a non-empty local part of at most 64 characters, a domain of at least two non-empty
//! labels none starting or ending with `-`, an alphabetic top-level label of two
//! characters or more, no whitespace, control characters or `<>()[]\,;:"`, and at most
//! 254 bytes in all. Non-ASCII letters are accepted (internationalised addresses).

/// Whether `s` looks like an e-mail address mail can be sent to.
///
/// # Example
/// ```
/// use sitechat_core::email::is_valid_email;
/// assert!(is_valid_email("ada.lovelace+chat@example.co.uk"));
/// assert!(!is_valid_email("ada@localhost"));
/// assert!(!is_valid_email("ada lovelace@example.com"));
/// ```
pub fn is_valid_email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(is_forbidden) {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.chars().count() <= 64
        && !domain.contains('@')
        && is_valid_domain(domain)
}

fn is_forbidden(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | '\\' | ',' | ';' | ':' | '"')
}

fn is_valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let labels_ok = labels
        .iter()
        .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
    let tld_ok = labels
        .last()
        .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    labels.len() >= 2 && labels_ok && tld_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for s in [
            "a@b.co",
            "ada@example.org",
            "first.last+tag@mail.example.co.uk",
            "o'brien@example.ie",
            "élodie@exämple.fr",
        ] {
            assert!(is_valid_email(s), "{s:?}");
        }
    }

    #[test]
    fn rejects_missing_or_repeated_at() {
        for s in ["", "ada", "ada.example.com", "@example.com", "ada@", "a@b@example.com"] {
            assert!(!is_valid_email(s), "{s:?}");
        }
    }

    #[test]
    fn rejects_bad_domains() {
        for s in [
            "ada@localhost",
            "ada@example.",
            "ada@.example.com",
            "ada@example..com",
            "ada@-x.com",
            "ada@x-.com",
            "ada@example.c",
            "ada@example.c0m",
        ] {
            assert!(!is_valid_email(s), "{s:?}");
        }
    }

    #[test]
    fn rejects_spaces_and_special_characters() {
        for s in [
            " ada@example.com",
            "ada@example.com ",
            "ada lovelace@example.com",
            "ada@exa mple.com",
            "ada\t@example.com",
            "<ada@example.com>",
            "\"ada\"@example.com",
            "ada@example.com,bob@example.com",
        ] {
            assert!(!is_valid_email(s), "{s:?}");
        }
    }

    #[test]
    fn length_limits() {
        let domain = format!("{}.com", "d".repeat(63));
        let long_local = format!("{}@{domain}", "a".repeat(65));
        assert!(!is_valid_email(&long_local));
        assert!(is_valid_email(&format!("{}@{domain}", "a".repeat(64))));
        let labels = vec!["abcdefghi"; 25].join(".");
        let too_long = format!("a@{labels}.com");
        assert!(too_long.len() > 254);
        assert!(!is_valid_email(&too_long));
    }
}
