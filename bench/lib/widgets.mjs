// The two widgets the bench compares, described the same way: where the host page
// serves them, the tags a site adds for them, where their elements are, and which of
// their files is which part.
//
// Invariants: both host pages are identical but for these tags; both widgets are fed
// the same conversation (page/messages.js) by a backend script in the page
// (page/sitechat-backend.js, page/peer-backend.js) that exposes `window.__benchBackend`.

/** The parts a widget's bytes are reported in, in table order. */
export const PARTS = ['loader', 'JS app', 'wasm', 'CSS'];

export const SITECHAT = Object.freeze({
  name: 'sitechat',
  base: '/sitechat/',
  head: '',
  backend: '/page/sitechat-backend.js',
  // The tracking code, as docs/embedding.md gives it.
  tags: '<script src="/sitechat/sitechat.js" async></script>',
  target: {
    // The first launcher on screen: the loader's (`data-early`) where it draws one.
    launcher: ['div[data-sitechat]', 'button.sc-launcher'],
    ready: ['div[data-sitechat]:not([data-early])', 'button.sc-launcher'],
    window: ['div[data-sitechat]', '#sc-window'],
    messages: ['div[data-sitechat]', '.sc-bubble'],
  },
  /** Which part of the widget the file `name` (in its directory) is. */
  part(name) {
    if (name === 'sitechat.js') return 'loader';
    if (/\.wasm$/.test(name)) return 'wasm';
    if (/\.css$/.test(name)) return 'CSS';
    if (/\.js$/.test(name)) return 'JS app';
    return null;
  },
});

export const PEER = Object.freeze({
  name: 'react-chat-widget',
  base: '/peer/',
  head: '<link rel="stylesheet" href="/peer/peer.css">',
  backend: '/page/peer-backend.js',
  tags: '<script src="/peer/peer.js" async></script>',
  target: {
    launcher: ['button.rcw-launcher'],
    ready: ['button.rcw-launcher'],
    window: ['.rcw-conversation-container'],
    messages: ['.rcw-message'],
  },
  part(name) {
    if (/\.css$/.test(name)) return 'CSS';
    if (/\.js$/.test(name)) return 'JS app';
    return null;
  },
});

export const WIDGETS = [SITECHAT, PEER];
