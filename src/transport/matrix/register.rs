//! A new visitor becomes a user of the homeserver: token-authenticated registration
//! (`m.login.registration_token`, then whatever else [`next_auth`] can answer), or a
//! returning visitor's access token is checked with `/account/whoami`.

use serde_json::{json, Value};
use sitechat_core::matrix::uia::{next_auth, registered, UiaNext};

use super::api::{Api, ApiFailure, Body};

/// Why the visitor has no session.
#[derive(Debug, Clone)]
pub enum SessionFailure {
    /// The homeserver cannot be reached: try again later.
    Unreachable(String),
    /// The stored token is unknown (logged out, or another homeserver): register anew.
    UnknownToken,
    /// The homeserver refuses to register visitors; the text names what to fix.
    Refused(String),
}

/// How many UIA round trips registration may take before it is given up.
const MAX_STAGES: usize = 5;

/// A password the visitor never sees: the access token is their credential, and Synapse
/// wants a password on every registration. 24 random bytes, hex.
fn random_password() -> String {
    let mut bytes = [0u8; 24];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Registers a new visitor with `registration_token`; their `(user id, access token)`.
pub async fn register(
    api: &Api,
    registration_token: &str,
) -> Result<(String, String), SessionFailure> {
    let password = random_password();
    let mut auth: Option<Value> = None;
    for _ in 0..MAX_STAGES {
        let mut body = json!({
            "password": password,
            "initial_device_display_name": "sitechat widget",
            "inhibit_login": false,
        });
        if let Some(auth) = auth.take() {
            body["auth"] = auth;
        }
        match api.call("POST", "/_matrix/client/v3/register", Body::Json(&body)).await {
            Ok(answer) => return registered(&answer).map_err(SessionFailure::Refused),
            Err(ApiFailure::Matrix { status: 401, body, .. }) => {
                match next_auth(&body, registration_token) {
                    UiaNext::Send(next) => auth = Some(next),
                    UiaNext::Refused(why) => return Err(SessionFailure::Refused(why)),
                }
            }
            Err(ApiFailure::Matrix { status: 429, error, .. }) => {
                return Err(SessionFailure::Unreachable(format!(
                    "registration is rate-limited ({error})"
                )))
            }
            Err(ApiFailure::Matrix { error, .. }) => {
                return Err(SessionFailure::Refused(format!(
                    "the homeserver refused to register a visitor ({error})"
                )))
            }
            Err(ApiFailure::Unreachable(why)) => return Err(SessionFailure::Unreachable(why)),
        }
    }
    Err(SessionFailure::Refused(
        "registration asked for more stages than a widget completes".into(),
    ))
}

/// The user id of the access token the API speaks with.
pub async fn whoami(api: &Api) -> Result<String, SessionFailure> {
    match api.call("GET", "/_matrix/client/v3/account/whoami", Body::None).await {
        Ok(answer) => {
            answer.get("user_id").and_then(Value::as_str).map(str::to_owned).ok_or_else(|| {
                SessionFailure::Unreachable("whoami answered without a user_id".into())
            })
        }
        Err(ApiFailure::Matrix { error, .. }) if error.is_unknown_token() => {
            Err(SessionFailure::UnknownToken)
        }
        Err(ApiFailure::Matrix { error, .. }) => {
            Err(SessionFailure::Unreachable(format!("whoami: {error}")))
        }
        Err(ApiFailure::Unreachable(why)) => Err(SessionFailure::Unreachable(why)),
    }
}
