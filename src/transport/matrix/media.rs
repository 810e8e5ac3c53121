//! Attachments through the homeserver's media API, shown through `blob:` URLs.
//!
//! An `<img>` cannot send the access token and Synapse serves media only to
//! authenticated requests, so every `mxc://` file is downloaded with the token and shown
//! from a `blob:` URL of this page. Uploads keep the visitor's own file as its `blob:`
//! URL. The cache lives as long as the transport: a file is fetched once per page.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;
use sitechat_core::protocol::{Attachment, WireMessage};
use sitechat_core::vec_map::VecMap;
use web_sys::Url;

use super::api::{enc, Api, ApiFailure, Body};
use crate::transport::TransportError;

/// `mxc://` URL → `blob:` URL, for the transport's lifetime.
#[derive(Default)]
pub struct MediaCache {
    blobs: RefCell<VecMap<String, String>>,
}

impl MediaCache {
    fn known(&self, mxc: &str) -> Option<String> {
        self.blobs.borrow().get(&mxc.to_owned()).cloned()
    }

    fn remember(&self, mxc: &str, blob_url: &str) {
        self.blobs.borrow_mut().insert(mxc.to_owned(), blob_url.to_owned());
    }

    /// Downloads one `mxc://server/id` file; its `blob:` URL.
    async fn download(&self, api: &Api, mxc: &str) -> Option<String> {
        if let Some(url) = self.known(mxc) {
            return Some(url);
        }
        let (server, id) = mxc.strip_prefix("mxc://")?.split_once('/')?;
        let (server, id) = (enc(server), enc(id));
        // Authenticated media (Matrix 1.11), then the older unauthenticated path.
        let paths = [
            format!("/_matrix/client/v1/media/download/{server}/{id}"),
            format!("/_matrix/media/v3/download/{server}/{id}"),
        ];
        for path in paths {
            if let Ok(blob) = api.blob(&path).await {
                let url = Url::create_object_url_with_blob(&blob).ok()?;
                self.remember(mxc, &url);
                return Some(url);
            }
        }
        gloo::console::warn!(format!("sitechat: could not download the attachment {mxc}"));
        None
    }

    /// Gives every `mxc://` attachment of `messages` its `blob:` URL (a file that
    /// cannot be downloaded keeps its `mxc://` URL, which the widget does not open).
    pub async fn resolve(&self, api: &Api, messages: &mut [WireMessage]) {
        for message in messages.iter_mut() {
            for attachment in message.attachments.iter_mut() {
                if attachment.url.starts_with("mxc://") {
                    if let Some(url) = self.download(api, &attachment.url).await {
                        attachment.url = url;
                    }
                }
            }
        }
    }

    /// Uploads the visitor's file; the attachment a message refers to (`id` is the
    /// `mxc://` URL).
    pub async fn upload(
        &self,
        api: Api,
        file: web_sys::File,
    ) -> Result<Attachment, TransportError> {
        let mime = file.type_();
        let path = format!("/_matrix/media/v3/upload?filename={}", enc(&file.name()));
        let answer = api.call("POST", &path, Body::File(&file, &mime)).await.map_err(|f| {
            TransportError(match f {
                ApiFailure::Matrix { error, .. } if error.errcode == "M_TOO_LARGE" => {
                    "the file is larger than the homeserver accepts".to_owned()
                }
                other => format!("the upload failed ({other})"),
            })
        })?;
        let mxc = answer
            .get("content_uri")
            .and_then(Value::as_str)
            .filter(|u| u.starts_with("mxc://"))
            .ok_or_else(|| {
                TransportError("the homeserver's upload answer has no content_uri".into())
            })?
            .to_owned();
        let url = Url::create_object_url_with_blob(&file)
            .map_err(|_| TransportError("the browser could not read the file".into()))?;
        self.remember(&mxc, &url);
        Ok(Attachment {
            id: mxc,
            name: file.name(),
            mime: if mime.is_empty() { "application/octet-stream".into() } else { mime },
            size: file.size() as u64,
            url,
        })
    }
}

/// One cache shared by a transport's connections.
pub type SharedMedia = Rc<MediaCache>;
