//! `{name}` placeholders in catalogue texts.
//!
//! Invariants:
//! - a placeholder is `{` + one or more ASCII letters, digits or `_` + `}`;
//! - a placeholder with no matching argument, and any other brace, is left as is, so a
//!   missing argument shows up visibly instead of vanishing;
//! - argument values are inserted verbatim and never scanned again: a visitor's name
//!   containing `{email}` cannot pull in another argument.

/// `template` with each `{name}` replaced by the value paired with `name` in `args`
/// (the first pair wins when a name repeats).
///
/// # Example
/// ```
/// use sitechat_core::i18n::fill;
/// assert_eq!(fill("{name} is typing…", &[("name", "Ada")]), "Ada is typing…");
/// assert_eq!(fill("{name} and {other}", &[("name", "{other}")]), "{other} and {other}");
/// ```
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = placeholder_name(after).and_then(|name| {
            let value = args.iter().find(|(key, _)| *key == name).map(|(_, value)| *value)?;
            Some((name.len() + 1, value))
        });
        match value {
            Some((consumed, value)) => {
                out.push_str(value);
                rest = &after[consumed..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The names of every placeholder in `template`, in order, repeats included.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(name) = placeholder_name(rest) {
            names.push(name);
            rest = &rest[name.len() + 1..];
        }
    }
    names
}

/// The placeholder name at the start of `s` (just after a `{`), if `s` goes on with a
/// valid name and a closing `}`.
fn placeholder_name(s: &str) -> Option<&str> {
    let len = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    (len > 0 && s[len..].starts_with('}')).then(|| &s[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_every_occurrence() {
        assert_eq!(fill("{n}+{n}={sum}", &[("n", "1"), ("sum", "2")]), "1+1=2");
    }

    #[test]
    fn unknown_and_malformed_placeholders_stay() {
        assert_eq!(fill("Hi {who}", &[("name", "Ada")]), "Hi {who}");
        assert_eq!(fill("{ name } {} {name", &[("name", "Ada")]), "{ name } {} {name");
        assert_eq!(fill("{{name}}", &[("name", "Ada")]), "{Ada}");
        assert_eq!(fill("{", &[]), "{");
        assert_eq!(fill("}{é}", &[("é", "x")]), "}{é}");
    }

    #[test]
    fn first_pair_wins() {
        assert_eq!(fill("{a}", &[("a", "1"), ("a", "2")]), "1");
    }

    #[test]
    fn lists_placeholders() {
        assert_eq!(placeholders("{a} {b_2} {a} { c} {"), vec!["a", "b_2", "a"]);
        assert!(placeholders("no braces").is_empty());
    }
}
