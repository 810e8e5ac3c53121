//! A homeserver's error answer: `{"errcode": "M_…", "error": "…", "retry_after_ms": …}`.

use std::fmt;

use serde_json::Value;

use crate::protocol::ErrorCode;

/// One Matrix error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixError {
    pub errcode: String,
    pub error: String,
    pub retry_after_ms: Option<u64>,
}

impl MatrixError {
    /// The error in `body`, if it is one.
    pub fn from_body(body: &Value) -> Option<MatrixError> {
        let errcode = body.get("errcode")?.as_str()?.to_owned();
        let error = body.get("error").and_then(Value::as_str).unwrap_or("").to_owned();
        let retry_after_ms = body.get("retry_after_ms").and_then(Value::as_u64);
        Some(MatrixError { errcode, error, retry_after_ms })
    }

    /// The token is unknown or was logged out: the visitor must register again.
    pub fn is_unknown_token(&self) -> bool {
        matches!(self.errcode.as_str(), "M_UNKNOWN_TOKEN" | "M_MISSING_TOKEN")
    }

    /// The sitechat error code a visitor's message gets for this error.
    pub fn code(&self) -> ErrorCode {
        match self.errcode.as_str() {
            "M_LIMIT_EXCEEDED" => ErrorCode::RateLimited,
            "M_TOO_LARGE" => ErrorCode::TooLarge,
            "M_UNKNOWN_TOKEN" | "M_MISSING_TOKEN" => ErrorCode::Unauthorized,
            "M_NOT_FOUND" => ErrorCode::NotFound,
            "M_FORBIDDEN" => ErrorCode::ConversationEnded,
            "M_BAD_JSON" | "M_NOT_JSON" | "M_INVALID_PARAM" => ErrorCode::BadRequest,
            _ => ErrorCode::ServerError,
        }
    }
}

impl fmt::Display for MatrixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.error.is_empty() {
            f.write_str(&self.errcode)
        } else {
            write!(f, "{}: {}", self.errcode, self.error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_and_maps_errors() {
        let e = MatrixError::from_body(&json!({"errcode": "M_LIMIT_EXCEEDED", "error": "Too many",
            "retry_after_ms": 1200}))
        .unwrap();
        assert_eq!(e.retry_after_ms, Some(1200));
        assert_eq!(e.code(), ErrorCode::RateLimited);
        assert_eq!(e.to_string(), "M_LIMIT_EXCEEDED: Too many");
        assert!(MatrixError::from_body(&json!({"chunk": []})).is_none());
        let t = MatrixError::from_body(&json!({"errcode": "M_UNKNOWN_TOKEN"})).unwrap();
        assert!(t.is_unknown_token());
        assert_eq!(t.to_string(), "M_UNKNOWN_TOKEN");
    }
}
