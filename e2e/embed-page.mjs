// Host pages for the embedding tests: a plain page that is not the demo, carrying only
// the tracking code, in three variants — plain, hostile CSS, strict CSP — so the same
// tests prove the widget works on all three.
//
// Invariants: every script a page runs is a file (never inline), so the strict-CSP
// variant runs the very same page; the probe script runs first and records CSP
// violations, the JS API's events and the page's live event listeners; each test gets
// its own page path and settings file, so nothing leaks between tests.

/** The strict Content-Security-Policy of issue 4, exactly. */
export const STRICT_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:";

/** The hostile page CSS of issue 4, exactly. */
export const HOSTILE_CSS = `* { box-sizing: content-box !important; font: 30px serif !important }
div { display: none }
button { all: unset }
`;

/** The page's own (harmless) layout: a sized slot for the inline widget. */
const HOST_CSS = `#inline-slot { display: block; width: 420px; height: 560px; margin: 20px; }
`;

/** Every event of the JS API, as docs/embedding.md lists them. */
export const EVENTS = [
  'widgetLoaded',
  'widgetClosed',
  'conversationStarted',
  'conversationClosed',
  'unreadConversationCountChanged',
  'userInteractedWithWidget',
  'quickReplyButtonClick',
  'availabilityChanged',
  'messageReceived',
  'emailCaptured',
];

/**
 * Runs before anything else on the page:
 * - `__violations`: every `securitypolicyviolation`;
 * - `__events`: what `record()` listeners hear, `{ name, payload }`;
 * - `__liveListeners()`: the types of the listeners currently registered on window,
 *   document and visualViewport (by anyone: the test compares before and after).
 */
const PROBE = `
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
window.__events = [];
window.__record = function (api) {
  ${JSON.stringify(EVENTS)}.forEach(function (name) {
    api.on(name, function (payload) { window.__events.push({ name: name, payload: payload }); });
  });
};
(function () {
  var live = [];
  var add = EventTarget.prototype.addEventListener;
  var remove = EventTarget.prototype.removeEventListener;
  function watched(target) { return target === window || target === document || target === window.visualViewport; }
  function capture(options) { return typeof options === 'boolean' ? options : !!(options && options.capture); }
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    if (watched(this) && listener && !(options && options.once)) {
      live.push({ target: this, type: type, listener: listener, capture: capture(options) });
    }
    return add.call(this, type, listener, options);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, options) {
    var self = this;
    var index = live.findIndex(function (l) {
      return l.target === self && l.type === type && l.listener === listener && l.capture === capture(options);
    });
    if (index >= 0) live.splice(index, 1);
    return remove.call(this, type, listener, options);
  };
  window.__liveListeners = function () { return live.map(function (l) { return l.type; }).sort(); };
})();
`;

/** The three host pages every embedding test runs on. */
export const VARIANTS = Object.freeze({
  plain: { head: '', headers: {} },
  hostile: { head: '<link rel="stylesheet" href="/hostile.css">', headers: {} },
  csp: { head: '', headers: { 'Content-Security-Policy': STRICT_CSP } },
});

/** Serves the shared files (probe, stylesheets) on `server`. */
export function serveShared(server) {
  server.setPage('/probe.js', PROBE);
  server.setPage('/hostile.css', HOSTILE_CSS);
  server.setPage('/host.css', HOST_CSS);
}

let pages = 0;

/**
 * Serves a fresh host page for one test and returns its path.
 * - `variant`: a key of {@link VARIANTS};
 * - `settings`: JavaScript run before the loader (a file), e.g. setting
 *   `window.sitechatSettings` and ready callbacks;
 * - `tracking`: whether the page carries the tracking code (default true).
 */
export function hostPage(server, { variant, settings = '', tracking = true }) {
  const { head, headers } = VARIANTS[variant];
  pages += 1;
  const base = `/host/${pages}/`;
  server.setPage(`${base}settings.js`, settings);
  server.setPage(
    base,
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>A host page</title>
<script src="/probe.js"></script>
<link rel="stylesheet" href="/host.css">
${head}
<script src="${base}settings.js"></script>
</head>
<body>
<h1 id="title">A host page</h1>
<p id="text">Some text of the host page.</p>
<button id="host-button" type="button">A host button</button>
<section id="inline-slot"></section>
<aside id="demo-agent-panel"></aside>
${tracking ? '<script src="/sitechat.js" async></script>' : ''}
</body>
</html>
`,
    headers,
  );
  return base;
}
