//! Agent passwords: argon2id hashes in PHC string format.
//!
//! Hashing is deliberately slow (tens of milliseconds), so callers on the async
//! runtime run it on the blocking pool.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Shortest password `agent add` accepts.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Hashes a password for storage.
///
/// ```
/// use sitechat_server::password::{hash_password, verify_password};
/// let h = hash_password("correct horse").unwrap();
/// assert!(verify_password("correct horse", &h));
/// assert!(!verify_password("wrong", &h));
/// ```
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&crate::ids::salt_bytes()).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("could not hash the password: {e}"))
}

/// Whether `password` matches the stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}
