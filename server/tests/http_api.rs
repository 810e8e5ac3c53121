//! The HTTP side: uploads (sniffing, names, access), static files, inbox, headers.

mod common;

use common::{http, login, logout, TestServer, PASSWORD};
use sitechat_core::protocol::{AttachmentRef, ClientCommand, ErrorCode, ServerEvent};

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";

async fn upload(t: &TestServer, token: &str, name: &str, bytes: &[u8]) -> common::HttpResponse {
    let auth = format!("Bearer {token}");
    let path = format!("/api/attachments?name={name}&mime=image/png");
    http(
        t.addr(),
        "POST",
        &path,
        &[("Authorization", &auth), ("Content-Type", "application/octet-stream")],
        bytes,
    )
    .await
}

#[tokio::test]
async fn an_exe_renamed_png_is_refused_by_sniffing() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode";
    let r = upload(&t, &v.token, "cat.png", exe).await;
    assert_eq!(r.status, 415);
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["error"], "unsupported_type");
    assert_eq!(std::fs::read_dir(&t.server().app.config.attachments_dir).unwrap().count(), 0);
}

#[tokio::test]
async fn path_traversal_in_a_file_name_is_harmless() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let r = upload(&t, &v.token, "..%2F..%2F..%2Fevil.png", PNG).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let a: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(a["name"], "evil.png");
    assert_eq!(a["mime"], "image/png");
    let id = a["id"].as_str().unwrap().to_owned();
    // The only file written is named by the random id, inside the attachments dir.
    let files: Vec<_> = std::fs::read_dir(&t.server().app.config.attachments_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files, std::slice::from_ref(&id));
    assert!(!t.dir.path().parent().unwrap().join("evil.png").exists());

    // And an id with traversal in it names nothing.
    let auth = format!("Bearer {}", v.token);
    let r = http(
        t.addr(),
        "GET",
        "/api/attachments/..%2Fchat.sqlite",
        &[("Authorization", &auth)],
        b"",
    )
    .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn attachments_are_served_to_their_visitor_and_agents_only() {
    let t = TestServer::start().await;
    t.add_agent("ann@example.com", "Ann");
    let mut a = t.visitor().await;
    let b = t.visitor().await;
    let r = upload(&t, &a.token, "photo.png", PNG).await;
    let att: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let url = att["url"].as_str().unwrap().to_owned();

    let mine =
        http(t.addr(), "GET", &url, &[("Authorization", &format!("Bearer {}", a.token))], b"")
            .await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.body, PNG);
    assert_eq!(mine.header("content-type"), Some("image/png"));
    assert_eq!(mine.header("x-content-type-options"), Some("nosniff"));
    assert!(mine.header("content-disposition").unwrap().starts_with("inline"));

    let theirs =
        http(t.addr(), "GET", &url, &[("Authorization", &format!("Bearer {}", b.token))], b"")
            .await;
    assert_eq!(theirs.status, 404);
    let anonymous = http(t.addr(), "GET", &url, &[], b"").await;
    assert_eq!(anonymous.status, 401);

    let cookie = login(t.addr(), "ann@example.com", PASSWORD).await.unwrap();
    let agent = http(t.addr(), "GET", &url, &[("Cookie", &cookie)], b"").await;
    assert_eq!(agent.status, 200);

    // B cannot attach A's file to a message either.
    let mut b = b;
    b.send(&ClientCommand::SendMessage {
        conversation_id: None,
        client_id: "b1".into(),
        text: "look".into(),
        attachments: vec![AttachmentRef {
            id: att["id"].as_str().unwrap().into(),
            name: "photo.png".into(),
            mime: "image/png".into(),
            size: PNG.len() as u64,
        }],
        quick_reply: None,
        page_url: None,
    })
    .await;
    let code = b
        .recv_until(|e| match e {
            ServerEvent::Error { code, .. } => Some(code),
            _ => None,
        })
        .await;
    assert_eq!(code, ErrorCode::BadRequest);
    // A can, and the message carries the stored type and URL.
    a.send(&ClientCommand::SendMessage {
        conversation_id: None,
        client_id: "a1".into(),
        text: "".into(),
        attachments: vec![AttachmentRef {
            id: att["id"].as_str().unwrap().into(),
            name: "x.exe".into(),
            mime: "application/x-msdownload".into(),
            size: 1,
        }],
        quick_reply: None,
        page_url: None,
    })
    .await;
    let message = a
        .recv_until(|e| match e {
            ServerEvent::Message { message, .. } => Some(message),
            _ => None,
        })
        .await;
    assert_eq!(message.attachments[0].mime, "image/png");
    assert_eq!(message.attachments[0].name, "photo.png");
}

#[tokio::test]
async fn a_text_file_is_downloaded_as_an_attachment_and_oversize_is_refused() {
    let t = TestServer::start_with(|c| c.max_upload_bytes = 1024).await;
    let v = t.visitor().await;
    let r = upload(&t, &v.token, "notes.txt", b"<script>alert(1)</script>").await;
    assert_eq!(r.status, 201);
    let att: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(att["mime"], "text/plain; charset=utf-8");
    let got = http(
        t.addr(),
        "GET",
        att["url"].as_str().unwrap(),
        &[("Authorization", &format!("Bearer {}", v.token))],
        b"",
    )
    .await;
    assert!(got.header("content-disposition").unwrap().starts_with("attachment;"));
    assert_eq!(got.header("content-security-policy"), Some("default-src 'none'; sandbox"));

    let big = vec![b'a'; 2048];
    let r = upload(&t, &v.token, "big.txt", &big).await;
    assert_eq!(r.status, 413);
    let anonymous = http(t.addr(), "POST", "/api/attachments?name=a.txt", &[], b"hello").await;
    assert_eq!(anonymous.status, 401);
    // The widget on another origin (a WordPress site) uploads with a CORS preflight; the
    // answers, errors included, are readable there, and credentials are never allowed.
    assert_eq!(anonymous.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let preflight = http(
        t.addr(),
        "OPTIONS",
        "/api/attachments?name=a.txt",
        &[
            ("Origin", "http://shop.example"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "authorization, content-type"),
        ],
        b"",
    )
    .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert_eq!(preflight.header("access-control-allow-methods"), Some("POST"));
    assert_eq!(
        preflight.header("access-control-allow-headers"),
        Some("authorization, content-type")
    );
    assert_eq!(preflight.header("access-control-allow-credentials"), None);
    let download = http(t.addr(), "GET", att["url"].as_str().unwrap(), &[], b"").await;
    assert_eq!(download.header("access-control-allow-origin"), None, "downloads are not opened up");
}

#[tokio::test]
async fn static_files_inbox_and_site_config_are_served_with_security_headers() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<!doctype html><title>demo</title>").unwrap();
    std::fs::write(site.path().join("widget_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let static_dir = site.path().to_path_buf();
    let t = TestServer::start_with(move |c| {
        c.static_dir = Some(static_dir);
        c.site_config = serde_json::json!({ "profile": { "name": "Shop" } });
        c.csp = Some("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'".into());
    })
    .await;
    let index = http(t.addr(), "GET", "/", &[], b"").await;
    assert_eq!(index.status, 200);
    assert!(index.text().contains("demo"));
    assert_eq!(index.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(index.header("referrer-policy"), Some("strict-origin-when-cross-origin"));
    assert!(index.header("content-security-policy").unwrap().contains("wasm-unsafe-eval"));

    let wasm = http(t.addr(), "GET", "/widget_bg.wasm", &[], b"").await;
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    // Pages on other origins (a WordPress site) import the app and fetch the wasm: CORS.
    assert_eq!(wasm.header("access-control-allow-origin"), Some("*"));

    let inbox = http(t.addr(), "GET", "/inbox", &[], b"").await;
    assert_eq!(inbox.status, 200);
    let csp = inbox.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(!inbox.text().contains("<script>"), "no inline script");
    assert!(!inbox.text().contains("<style"), "no inline style");
    assert_eq!(inbox.header("access-control-allow-origin"), None, "the inbox stays same-origin");
    let js = http(t.addr(), "GET", "/inbox/inbox.js", &[], b"").await;
    assert_eq!(js.status, 200);
    assert!(!js.text().contains("innerHTML"), "the inbox never builds HTML from strings");

    let config = http(t.addr(), "GET", "/api/site-config", &[], b"").await;
    let doc: serde_json::Value = serde_json::from_slice(&config.body).unwrap();
    assert_eq!(doc["profile"]["name"], "Shop");
    assert_eq!(config.header("access-control-allow-origin"), Some("*"));
    let me = http(t.addr(), "GET", "/api/agent/me", &[], b"").await;
    assert_eq!(me.header("access-control-allow-origin"), None, "the agent API stays same-origin");
}

#[tokio::test]
async fn login_sets_a_strict_cookie_and_logout_ends_the_session() {
    let t = TestServer::start().await;
    t.add_agent("ann@example.com", "Ann");
    let cookie =
        login(t.addr(), "ANN@example.com", PASSWORD).await.expect("case-insensitive e-mail");
    let me = http(t.addr(), "GET", "/api/agent/me", &[("Cookie", &cookie)], b"").await;
    assert_eq!(me.status, 200);
    assert!(me.text().contains("Ann"));
    assert_eq!(logout(t.addr(), &cookie).await, 204);
    let me = http(t.addr(), "GET", "/api/agent/me", &[("Cookie", &cookie)], b"").await;
    assert_eq!(me.status, 401);
    let bad = http(
        t.addr(),
        "POST",
        "/api/agent/login",
        &[("Content-Type", "application/json")],
        b"{nope",
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains(r#""error":"bad_request""#), "{}", bad.text());
}

#[tokio::test]
async fn uploads_never_attached_are_deleted_after_their_time_and_attached_ones_are_kept() {
    let t = TestServer::start_with(|c| {
        c.unattached_upload_ttl = std::time::Duration::from_millis(1000);
        c.cleanup_check = std::time::Duration::from_millis(100);
    })
    .await;
    let mut v = t.visitor().await;
    let kept: serde_json::Value =
        serde_json::from_slice(&upload(&t, &v.token, "kept.png", PNG).await.body).unwrap();
    let dropped: serde_json::Value =
        serde_json::from_slice(&upload(&t, &v.token, "dropped.png", PNG).await.body).unwrap();
    v.send(&ClientCommand::SendMessage {
        conversation_id: None,
        client_id: "with-file".into(),
        text: String::new(),
        attachments: vec![AttachmentRef {
            id: kept["id"].as_str().unwrap().into(),
            name: "kept.png".into(),
            mime: "image/png".into(),
            size: PNG.len() as u64,
        }],
        quick_reply: None,
        page_url: None,
    })
    .await;
    v.recv_until(|e| matches!(e, ServerEvent::Ack { .. }).then_some(())).await;
    let dir = t.server().app.config.attachments_dir.clone();
    let dropped_id = dropped["id"].as_str().unwrap().to_owned();
    assert!(common::eventually(|| !dir.join(&dropped_id).exists()).await, "still on disk");
    let auth = format!("Bearer {}", v.token);
    let gone =
        http(t.addr(), "GET", dropped["url"].as_str().unwrap(), &[("Authorization", &auth)], b"")
            .await;
    assert_eq!(gone.status, 404);
    let there =
        http(t.addr(), "GET", kept["url"].as_str().unwrap(), &[("Authorization", &auth)], b"")
            .await;
    assert_eq!(there.status, 200);
    assert_eq!(there.body, PNG);
}

#[tokio::test]
async fn the_sites_attachment_options_bind_visitor_uploads() {
    let t = TestServer::start_with(|c| {
        c.site_config = serde_json::json!({
            "options": { "max_attachment_bytes": 100, "allowed_attachment_types": ["image/png"] }
        });
    })
    .await;
    let v = t.visitor().await;
    assert_eq!(upload(&t, &v.token, "a.png", PNG).await.status, 201);
    assert_eq!(upload(&t, &v.token, "notes.txt", b"plain text").await.status, 415);
    assert_eq!(upload(&t, &v.token, "big.png", &[PNG, &[0u8; 200]].concat()).await.status, 413);
    let off = TestServer::start_with(|c| {
        c.site_config = serde_json::json!({ "options": { "attachments": false } });
    })
    .await;
    let v = off.visitor().await;
    assert_eq!(upload(&off, &v.token, "a.png", PNG).await.status, 403);
}
