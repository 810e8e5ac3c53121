//! Theme colours and the text colour drawn on top of them.
//!
//! The site owner picks one brand colour; the widget paints the launcher, the header
//! and the visitor's bubbles with it, and must then choose a text colour visitors can
//! read. Contrast follows WCAG 2.x (relative luminance with the sRGB transfer curve,
//! ratio `(L1 + 0.05) / (L2 + 0.05)`).
//!
//! Invariants:
//! - an [`Rgb`] is always a valid opaque sRGB colour; parsing never panics and rejects
//!   anything but `#rgb` / `#rrggbb` (any case);
//! - [`Rgb::to_css`] always yields lower-case `#rrggbb`, which [`Rgb::parse`] reads back
//!   to the same value;
//! - [`Rgb::readable_text_color`] always reaches at least 4.5:1 (WCAG AA for body text)
//!   against the background it was asked about.

use serde::{Serialize, Serializer};
use std::fmt;

/// An opaque sRGB colour, 8 bits per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

/// Why a string is not a colour; carries the offending text so messages can name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColorParseError {
    pub input: String,
}

impl fmt::Display for ColorParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Cut like every other quoted config value, so a hostile page cannot make the
        // console message huge (found by the XSS corpus: a 14 000-character colour).
        let shown: String = if self.input.chars().count() > 60 {
            self.input.chars().take(59).chain(std::iter::once('…')).collect()
        } else {
            self.input.clone()
        };
        write!(f, "{shown:?} is not a colour (expected \"#rgb\" or \"#rrggbb\")")
    }
}

impl std::error::Error for ColorParseError {}

/// The minimum contrast WCAG 2.x level AA asks for normal-size text.
pub const AA_NORMAL_TEXT: f64 = 4.5;

impl Rgb {
    pub const WHITE: Rgb = Rgb { r: 0xff, g: 0xff, b: 0xff };
    /// Softer than pure black on coloured surfaces, and still dark enough for most of them.
    pub const NEAR_BLACK: Rgb = Rgb { r: 0x11, g: 0x11, b: 0x11 };
    pub const BLACK: Rgb = Rgb { r: 0, g: 0, b: 0 };

    pub const fn new(r: u8, g: u8, b: u8) -> Rgb {
        Rgb { r, g, b }
    }

    /// Reads the two CSS hex spellings site owners actually type; named colours and
    /// `rgb()` are refused so every config stays unambiguous and easy to validate.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::color::Rgb;
    /// assert_eq!(Rgb::parse("#0B5FFF"), Ok(Rgb::new(0x0b, 0x5f, 0xff)));
    /// assert_eq!(Rgb::parse("#fff"), Ok(Rgb::WHITE));
    /// assert!(Rgb::parse("blue").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Rgb, ColorParseError> {
        let err = || ColorParseError { input: s.to_owned() };
        let hex = s.strip_prefix('#').ok_or_else(err)?;
        let digits: Vec<u8> = hex
            .chars()
            .map(|c| c.to_digit(16).and_then(|d| u8::try_from(d).ok()))
            .collect::<Option<_>>()
            .ok_or_else(err)?;
        match digits.as_slice() {
            [r, g, b] => Ok(Rgb::new(r * 17, g * 17, b * 17)),
            [r1, r2, g1, g2, b1, b2] => Ok(Rgb::new(r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2)),
            _ => Err(err()),
        }
    }

    /// The canonical CSS spelling, lower-case `#rrggbb`.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::color::Rgb;
    /// assert_eq!(Rgb::parse("#ABC").map(Rgb::to_css), Ok("#aabbcc".to_string()));
    /// ```
    pub fn to_css(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// WCAG 2.x relative luminance, 0.0 (black) ..= 1.0 (white).
    pub fn relative_luminance(self) -> f64 {
        fn linear(channel: u8) -> f64 {
            let c = f64::from(channel) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        }
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// White or near-black, whichever contrasts more with `self` as a background.
    ///
    /// For mid-tones (luminance around 0.18, e.g. `#777777`) neither reaches 4.5:1;
    /// this still picks the higher of the two. Use [`Rgb::readable_text_color`] when
    /// the AA threshold matters more than the softer near-black.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::color::Rgb;
    /// assert_eq!(Rgb::new(0x0b, 0x5f, 0xff).text_color(), Rgb::WHITE);
    /// assert_eq!(Rgb::new(0xff, 0xd7, 0x00).text_color(), Rgb::NEAR_BLACK);
    /// ```
    pub fn text_color(self) -> Rgb {
        if contrast_ratio(self, Rgb::WHITE) >= contrast_ratio(self, Rgb::NEAR_BLACK) {
            Rgb::WHITE
        } else {
            Rgb::NEAR_BLACK
        }
    }

    /// A text colour that reaches 4.5:1 on `self`: [`Rgb::text_color`] when it does,
    /// otherwise pure black.
    ///
    /// One always exists: white falls below 4.5:1 only when the background's luminance
    /// exceeds about 0.183, and then black gives more than 4.6:1 (the worst case over
    /// all colours is √21 ≈ 4.58:1, at luminance ≈ 0.179). So mid-greys where neither
    /// white nor near-black is readable get pure black instead of a failing colour.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::color::{contrast_ratio, Rgb};
    /// let grey = Rgb::new(0x77, 0x77, 0x77);
    /// assert!(contrast_ratio(grey, grey.text_color()) < 4.5);
    /// assert_eq!(grey.readable_text_color(), Rgb::BLACK);
    /// ```
    pub fn readable_text_color(self) -> Rgb {
        let preferred = self.text_color();
        if contrast_ratio(self, preferred) >= AA_NORMAL_TEXT {
            preferred
        } else if contrast_ratio(self, Rgb::BLACK) >= contrast_ratio(self, Rgb::WHITE) {
            Rgb::BLACK
        } else {
            Rgb::WHITE
        }
    }
}

/// WCAG 2.x contrast ratio between two colours, 1.0 ..= 21.0, symmetric.
///
/// # Example
/// ```
/// use sitechat_core::color::{contrast_ratio, Rgb};
/// assert!((contrast_ratio(Rgb::WHITE, Rgb::BLACK) - 21.0).abs() < 1e-9);
/// ```
pub fn contrast_ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.relative_luminance(), b.relative_luminance());
    let (hi, lo) = if la >= lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_css())
    }
}

/// Serialised as the CSS string, the same form the config accepts.
impl Serialize for Rgb {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_css())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.01
    }

    #[test]
    fn parses_short_and_long_forms_in_any_case() {
        assert_eq!(Rgb::parse("#2f5bea"), Ok(Rgb::new(0x2f, 0x5b, 0xea)));
        assert_eq!(Rgb::parse("#2F5BEA"), Ok(Rgb::new(0x2f, 0x5b, 0xea)));
        assert_eq!(Rgb::parse("#f0a"), Ok(Rgb::new(0xff, 0x00, 0xaa)));
    }

    #[test]
    fn rejects_everything_else_without_panicking() {
        for bad in
            ["", "#", "2f5bea", "#2f5be", "#2f5beaa", "#ggg", "#12345é", "red", "#é", "# fff"]
        {
            assert_eq!(Rgb::parse(bad), Err(ColorParseError { input: bad.to_owned() }), "{bad}");
        }
    }

    #[test]
    fn css_round_trips() {
        for c in [Rgb::BLACK, Rgb::WHITE, Rgb::new(1, 128, 254)] {
            assert_eq!(Rgb::parse(&c.to_css()), Ok(c));
        }
        assert_eq!(Rgb::new(1, 128, 254).to_css(), "#0180fe");
    }

    #[test]
    fn known_luminances_and_ratios() {
        assert!(close(Rgb::BLACK.relative_luminance(), 0.0));
        assert!(close(Rgb::WHITE.relative_luminance(), 1.0));
        assert!(close(contrast_ratio(Rgb::WHITE, Rgb::BLACK), 21.0));
        assert!(close(contrast_ratio(Rgb::BLACK, Rgb::WHITE), 21.0));
        assert!(close(contrast_ratio(Rgb::new(0x77, 0x77, 0x77), Rgb::WHITE), 4.48));
        // #767676 is the well-known lightest grey passing AA on white.
        assert!(close(contrast_ratio(Rgb::new(0x76, 0x76, 0x76), Rgb::WHITE), 4.54));
        assert!(close(contrast_ratio(Rgb::new(0xff, 0, 0), Rgb::WHITE), 4.0));
        assert!(close(contrast_ratio(Rgb::new(0x2f, 0x5b, 0xea), Rgb::new(0x2f, 0x5b, 0xea)), 1.0));
    }

    #[test]
    fn text_color_picks_the_higher_contrast() {
        assert_eq!(Rgb::BLACK.text_color(), Rgb::WHITE);
        assert_eq!(Rgb::WHITE.text_color(), Rgb::NEAR_BLACK);
        assert_eq!(Rgb::new(0x2f, 0x5b, 0xea).text_color(), Rgb::WHITE);
        assert_eq!(Rgb::new(0xff, 0xeb, 0x3b).text_color(), Rgb::NEAR_BLACK);
    }

    #[test]
    fn readable_text_color_reaches_aa_on_every_grey_and_a_colour_grid() {
        let greys = (0..=255u8).map(|v| Rgb::new(v, v, v));
        let grid = (0..=255u8).step_by(17).flat_map(|r| {
            (0..=255u8)
                .step_by(17)
                .flat_map(move |g| (0..=255u8).step_by(17).map(move |b| Rgb::new(r, g, b)))
        });
        for bg in greys.chain(grid) {
            let ratio = contrast_ratio(bg, bg.readable_text_color());
            assert!(ratio >= AA_NORMAL_TEXT, "{bg}: {ratio}");
        }
    }

    #[test]
    fn readable_text_color_keeps_the_preferred_colour_when_it_passes() {
        let blue = Rgb::new(0x0b, 0x5f, 0xff);
        assert_eq!(blue.readable_text_color(), blue.text_color());
        assert_eq!(Rgb::new(0x77, 0x77, 0x77).readable_text_color(), Rgb::BLACK);
    }

    #[test]
    fn serialises_as_css() {
        assert_eq!(
            serde_json::to_string(&Rgb::new(0xab, 0xcd, 0xef)).ok(),
            Some("\"#abcdef\"".to_owned())
        );
    }
}
