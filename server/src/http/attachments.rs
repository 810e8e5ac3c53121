//! Uploading and downloading attachments.
//!
//! Invariants:
//! - only a visitor (bearer session token) or a signed-in agent may upload
//!   ([`Requester`]); a visitor's upload also fits the site's attachment options and its
//!   daily allowance;
//! - the body is at most the configured size, and its type is decided by sniffing
//!   its bytes against the allow-list ([`crate::sniff`]), not by what the client says;
//! - the file is stored under a fresh random id; the client's file name is kept only
//!   as cleaned metadata and never touches the file system;
//! - a file is served to any agent, to the visitor who uploaded it, and to the
//!   visitor of the conversation it was attached in; to anyone else it does not exist;
//! - downloads carry `nosniff`, a sandboxing CSP, and `Content-Disposition:
//!   attachment` unless the file is an image.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_MAX_AGE,
    CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sitechat_core::mime::mime_allowed;
use sitechat_core::protocol::Attachment;

use super::api_error::ApiError;
use super::auth::Requester;
use crate::app::App;
use crate::clock::now_ms;
use crate::db::attachments::{self, AttachmentRow};
use crate::db::conversations;
use crate::sniff::{clean_file_name, is_inline_image, sniff};

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("files may be at most {max} bytes"),
    )
}

/// A broken form is `bad_request`; only a form over the size limit is `too_large`
/// (a file name with a line break in it used to be reported as too large).
fn multipart_error(e: axum::extract::multipart::MultipartError, max: usize) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large(max)
    } else {
        ApiError::bad_request("the multipart form is malformed")
    }
}

/// The uploaded bytes and declared name, from a multipart form or a raw body (held
/// once in memory, as the body's own buffer).
async fn read_upload(
    max: usize,
    query: &HashMap<String, String>,
    request: Request,
) -> Result<(Bytes, String), ApiError> {
    let is_multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let mut form = Multipart::from_request(request, &())
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        while let Some(field) = form.next_field().await.map_err(|e| multipart_error(e, max))? {
            let Some(name) = field.file_name().map(str::to_owned) else { continue };
            let bytes = field.bytes().await.map_err(|e| multipart_error(e, max))?;
            if bytes.len() > max {
                return Err(too_large(max));
            }
            return Ok((bytes, name));
        }
        Err(ApiError::bad_request("the form has no file field"))
    } else {
        let bytes =
            axum::body::to_bytes(request.into_body(), max).await.map_err(|_| too_large(max))?;
        let name = query.get("name").cloned().unwrap_or_default();
        Ok((bytes, name))
    }
}

/// `OPTIONS /api/attachments`: the CORS preflight of a widget served to another origin
/// (`Access-Control-Allow-Origin: *` is added by the router). It allows the bearer token
/// and the file's type, and never credentials: a cookie-authenticated agent upload from
/// another origin is not allowed by the browser.
pub async fn preflight() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (ACCESS_CONTROL_ALLOW_METHODS, "POST"),
            (ACCESS_CONTROL_ALLOW_HEADERS, "authorization, content-type"),
            (ACCESS_CONTROL_MAX_AGE, "600"),
        ],
    )
        .into_response()
}

/// `POST /api/attachments` (multipart, or a raw body with `?name=&mime=`).
///
/// A visitor's upload must also fit the site's options (`attachments`,
/// `max_attachment_bytes`, `allowed_attachment_types`, checked against the sniffed
/// type) and its daily upload allowance.
pub async fn upload(
    State(app): State<Arc<App>>,
    who: Requester,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Result<Response, ApiError> {
    let is_visitor = matches!(who, Requester::Visitor(_));
    if is_visitor && !app.options.attachments {
        return Err(ApiError::forbidden("this site does not take attachments"));
    }
    let max = if is_visitor { app.max_upload_bytes() } else { app.config.max_upload_bytes };
    let (bytes, declared_name) =
        tokio::time::timeout(app.config.upload_read_timeout, read_upload(max, &query, request))
            .await
            .map_err(|_| ApiError::timeout())??;
    let name = clean_file_name(&declared_name);
    let unsupported = |message: String| {
        ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type", message)
    };
    let mime = sniff(&bytes, &name).map_err(|refused| unsupported(refused.to_string()))?;
    if is_visitor && !mime_allowed(&app.options.allowed_attachment_types, mime) {
        return Err(unsupported(format!("this site does not take {mime} files")));
    }
    if let Requester::Visitor(visitor) = &who {
        let allowed =
            app.limits.upload_bytes_per_visitor.take(visitor, bytes.len() as f64, Instant::now());
        if !allowed {
            return Err(ApiError::rate_limited("upload allowance for today used up"));
        }
    }
    let id = crate::ids::new_id("f");
    let path = app.config.attachments_dir.join(&id);
    tokio::fs::write(&path, &bytes).await?;
    let (owner_visitor, owner_agent) = match who {
        Requester::Visitor(v) => (Some(v), None),
        Requester::Agent(a) => (None, Some(a)),
    };
    let size = bytes.len() as u64;
    drop(bytes);
    let row = AttachmentRow {
        id: id.clone(),
        owner_visitor,
        owner_agent,
        conversation_id: None,
        name: name.clone(),
        mime: mime.to_owned(),
        size,
    };
    if let Err(e) = app.db.call(move |c| attachments::insert(c, &row, now_ms())).await {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e.into());
    }
    let attachment =
        Attachment { url: app.attachment_url(&id), id, name, mime: mime.to_owned(), size };
    Ok((StatusCode::CREATED, Json(attachment)).into_response())
}

/// Ids are ours (`f_` + base64url); anything else cannot name a stored file.
fn is_attachment_id(id: &str) -> bool {
    id.len() <= 64
        && id.starts_with("f_")
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A `Content-Disposition` value with an ASCII fallback and the UTF-8 name.
fn disposition(kind: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// `GET /api/attachments/{id}`.
pub async fn download(
    State(app): State<Arc<App>>,
    who: Requester,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if !is_attachment_id(&id) {
        return Err(ApiError::not_found());
    }
    let lookup = id.clone();
    let row = app.db.call(move |c| attachments::get(c, &lookup)).await?;
    let Some(row) = row else { return Err(ApiError::not_found()) };
    if let Requester::Visitor(visitor) = &who {
        let mine = row.owner_visitor.as_deref() == Some(visitor.as_str());
        let in_my_conversation = match row.conversation_id.clone() {
            Some(conv) => {
                let v = visitor.clone();
                app.db.call(move |c| conversations::get_for_visitor(c, &conv, &v)).await?.is_some()
            }
            None => false,
        };
        if !mine && !in_my_conversation {
            return Err(ApiError::not_found());
        }
    }
    let bytes = tokio::fs::read(app.config.attachments_dir.join(&row.id)).await?;
    let kind = if is_inline_image(&row.mime) { "inline" } else { "attachment" };
    Ok((
        [
            (CONTENT_TYPE, row.mime.clone()),
            (CONTENT_DISPOSITION, disposition(kind, &row.name)),
            (CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_ids_name_files() {
        assert!(is_attachment_id("f_abcDEF123-_"));
        assert!(!is_attachment_id("../secret"));
        assert!(!is_attachment_id("f_../x"));
        assert!(!is_attachment_id("abc"));
    }

    #[test]
    fn disposition_escapes_quotes_and_non_ascii() {
        let d = disposition("attachment", "rapport \"final\" été.pdf");
        assert!(d.starts_with("attachment; filename=\"rapport _final_ _t_.pdf\""), "{d}");
        assert!(d.ends_with("filename*=UTF-8''rapport%20%22final%22%20%C3%A9t%C3%A9.pdf"), "{d}");
    }
}
