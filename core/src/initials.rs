//! The letters shown in an avatar when the profile has no picture.
//!
//! Invariants: at most two initials (first and last word), upper-cased with Unicode
//! rules, each taken from the first letter of a whitespace-separated word (words with
//! no letter, such as emoji, are skipped), combining accents following that letter
//! kept with it; `"?"` when there is no letter at all, so the avatar is never blank.

/// Up to two upper-case initials of `name`, or `"?"`.
///
/// # Example
/// ```
/// use sitechat_core::initials::initials;
/// assert_eq!(initials("Ada Lovelace"), "AL");
/// assert_eq!(initials("élodie"), "É");
/// assert_eq!(initials("🙂"), "?");
/// ```
pub fn initials(name: &str) -> String {
    let mut words = name.split_whitespace().filter_map(first_letter);
    let Some(first) = words.next() else {
        return "?".to_string();
    };
    let mut out = upper(first);
    if let Some(last) = words.next_back() {
        out.push_str(&upper(last));
    }
    out
}

/// The first letter of `word` with the combining marks that follow it.
fn first_letter(word: &str) -> Option<&str> {
    let (start, letter) = word.char_indices().find(|(_, c)| c.is_alphabetic())?;
    let after = start + letter.len_utf8();
    let marks: usize =
        word.get(after..)?.chars().take_while(|&c| is_combining_mark(c)).map(char::len_utf8).sum();
    word.get(start..after + marks)
}

fn upper(s: &str) -> String {
    s.chars().flat_map(char::to_uppercase).collect()
}

/// The common combining-diacritic blocks (a decomposed `é` is `e` + U+0301).
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_and_last_word() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("ada king lovelace"), "AL");
        assert_eq!(initials("  Grace   Hopper  "), "GH");
        assert_eq!(initials("Cher"), "C");
    }

    #[test]
    fn unicode_letters() {
        assert_eq!(initials("élodie"), "É");
        assert_eq!(initials("e\u{301}lodie durand"), "E\u{301}D");
        assert_eq!(initials("Ωmega ßeta"), "ΩSS");
        assert_eq!(initials("山田 太郎"), "山太");
        assert_eq!(initials("محمد علي"), "مع");
    }

    #[test]
    fn words_without_letters_are_skipped() {
        assert_eq!(initials(""), "?");
        assert_eq!(initials("   "), "?");
        assert_eq!(initials("🙂"), "?");
        assert_eq!(initials("🙂 🎉"), "?");
        assert_eq!(initials("🙂 Ada"), "A");
        assert_eq!(initials("Ada 🙂"), "A");
        assert_eq!(initials("(Ada) 42"), "A");
        assert_eq!(initials("Support team 24/7"), "ST");
    }
}
