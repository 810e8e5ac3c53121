//! Random identifiers and secret tokens, and the hash under which tokens are stored.
//!
//! Invariants:
//! - tokens are 32 bytes from the operating system's generator, base64url without
//!   padding (43 characters), so they fit the protocol's identifier limit;
//! - a token is never stored: only [`token_hash`] (SHA-256) is, so a leaked database
//!   does not let anyone resume a visitor's session or act as an agent;
//! - ids are 16 random bytes with a short prefix naming what they identify.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // Without an operating-system random source no secret can be made safely; this
    // is a broken machine, not bad input, so stopping is the only safe answer.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut buf).expect("the operating system's random generator failed");
    buf
}

/// A fresh secret token (visitor session or agent session).
///
/// ```
/// let t = sitechat_server::ids::new_token();
/// assert_eq!(t.len(), 43);
/// assert_ne!(t, sitechat_server::ids::new_token());
/// ```
pub fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// A fresh id such as `c_Zx3…` for a conversation (`prefix` = "c").
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(random_bytes::<16>()))
}

/// The bytes stored in place of a token.
///
/// ```
/// use sitechat_server::ids::token_hash;
/// assert_eq!(token_hash("a"), token_hash("a"));
/// assert_ne!(token_hash("a"), token_hash("b"));
/// ```
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Random bytes for a password salt.
pub(crate) fn salt_bytes() -> [u8; 16] {
    random_bytes::<16>()
}
