//! File sizes as people read them: "512 B", "1.5 KB", "12 MB" ("1,5 Ko" in French).
//!
//! Used for attachment chips and the "file too large (max …)" message. Invariants:
//! - multiples of 1024, as file-size limits are usually set, with the familiar short
//!   unit names (KB, MB…; Ko, Mo… in French);
//! - one decimal below 10 units, none from 10 up, and never a useless `.0`;
//! - rounding never shows 1024 of a unit: it moves to the next one ("1 MB");
//! - French uses a decimal comma and a no-break space (U+00A0) before the unit so the
//!   number never wraps away from it; English a plain space;
//! - every `u64` is formatted without overflow or panic.

use crate::i18n::Locale;

const STEP: u128 = 1024;

/// `n` bytes, rounded to a short human size in `locale`.
///
/// # Example
/// ```
/// use sitechat_core::bytes::format_bytes;
/// use sitechat_core::i18n::Locale;
/// assert_eq!(format_bytes(Locale::En, 512), "512 B");
/// assert_eq!(format_bytes(Locale::En, 1536), "1.5 KB");
/// assert_eq!(format_bytes(Locale::Fr, 1536), "1,5\u{a0}Ko");
/// assert_eq!(format_bytes(Locale::En, 12 * 1024 * 1024), "12 MB");
/// ```
pub fn format_bytes(locale: Locale, n: u64) -> String {
    let (units, space, decimal_mark) = match locale {
        Locale::En => (["B", "KB", "MB", "GB", "TB", "PB", "EB"], " ", "."),
        Locale::Fr => (["o", "Ko", "Mo", "Go", "To", "Po", "Eo"], "\u{a0}", ","),
    };
    let n = u128::from(n);
    let last = units.len() - 1;
    let mut power = 0;
    while power < last && n >= STEP.pow(power as u32 + 1) {
        power += 1;
    }
    loop {
        let unit_size = STEP.pow(power as u32);
        let unit = units.get(power).copied().unwrap_or("");
        let tenths = (n * 10 + unit_size / 2) / unit_size;
        if power == 0 {
            return format!("{n}{space}{unit}");
        }
        if tenths < 100 {
            let (whole, tenth) = (tenths / 10, tenths % 10);
            return if tenth == 0 {
                format!("{whole}{space}{unit}")
            } else {
                format!("{whole}{decimal_mark}{tenth}{space}{unit}")
            };
        }
        let whole = (n + unit_size / 2) / unit_size;
        if whole < STEP || power == last {
            return format!("{whole}{space}{unit}");
        }
        power += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_below_one_kilobyte() {
        assert_eq!(format_bytes(Locale::En, 0), "0 B");
        assert_eq!(format_bytes(Locale::En, 1023), "1023 B");
        assert_eq!(format_bytes(Locale::Fr, 512), "512\u{a0}o");
    }

    #[test]
    fn one_decimal_below_ten_and_none_above() {
        assert_eq!(format_bytes(Locale::En, 1024), "1 KB");
        assert_eq!(format_bytes(Locale::En, 1536), "1.5 KB");
        assert_eq!(format_bytes(Locale::En, 9 * 1024 + 1000), "10 KB");
        assert_eq!(format_bytes(Locale::En, 10 * 1024 + 400), "10 KB");
        assert_eq!(format_bytes(Locale::En, 12 * 1024 * 1024), "12 MB");
        assert_eq!(format_bytes(Locale::En, 2_621_440), "2.5 MB");
    }

    #[test]
    fn french_units_and_decimal_comma() {
        assert_eq!(format_bytes(Locale::Fr, 1536), "1,5\u{a0}Ko");
        assert_eq!(format_bytes(Locale::Fr, 12 * 1024 * 1024), "12\u{a0}Mo");
        assert_eq!(format_bytes(Locale::Fr, 3 * 1024 * 1024 * 1024), "3\u{a0}Go");
    }

    #[test]
    fn rounding_moves_to_the_next_unit() {
        assert_eq!(format_bytes(Locale::En, 1024 * 1024 - 1), "1 MB");
        assert_eq!(format_bytes(Locale::En, 1024 * 1024 - 400), "1 MB");
        assert_eq!(format_bytes(Locale::En, 1024 * 1024 - 600), "1023 KB");
        assert_eq!(format_bytes(Locale::En, 1023 * 1024), "1023 KB");
    }

    #[test]
    fn largest_values() {
        assert_eq!(format_bytes(Locale::En, u64::MAX), "16 EB");
        assert_eq!(format_bytes(Locale::Fr, 1 << 60), "1\u{a0}Eo");
    }
}
