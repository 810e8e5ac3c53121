// The sitechat loader: the one file a site's tracking code names.
//
//   <script src="https://chat.example/sitechat.js" async></script>
//
// It defines the JavaScript API at once (window.SiteChat, alias
// window.HubSpotConversations), runs the page's ready callbacks (sitechatOnReady,
// hsConversationsOnReady), then imports the wasm app from files next to itself and hands
// it every call, the ones queued before it was ready first, in order. See
// docs/embedding.md.
//
// Invariants:
// - tiny (the build checks it stays under 2 KB brotli) and inline-free: it boots from
//   files only, so it runs under `script-src 'self' 'wasm-unsafe-eval'`;
// - it never throws into the page: a failed import is one console error;
// - it draws the launcher before the app is there, when that cannot be wrong (see
//   drawLauncher), and the app takes it over;
// - a second copy of the tag does nothing;
// - the app file names below are filled in by loader/build.mjs at build time (Trunk's
//   post-build hook), which also minifies it.
(function (w, d) {
  'use strict';
  if (w.SiteChat) return;
  var APP_JS = '{{app_js}}';
  var APP_WASM = '{{app_wasm}}';
  var script = d.currentScript;
  var src = (script && script.src) || '';
  var settings = w.sitechatSettings || w.hsConversationsSettings || {};
  var queue = [];
  var dispatch = null;
  var loading = false;

  // The launcher drawn before the app: the app is ~230 KB brotli, the launcher needs
  // none of it, so a visitor sees it as soon as the page is parsed. It is drawn only
  // when the app will certainly show the same launcher (the config is in the page, not
  // behind a URL, and availability cannot hide the widget); the app takes its place on
  // mount (src/embed/early_launcher.rs), or removes it when it shows nothing. Its colours, corner, label and CSS mirror the app's: the e2e suite
  // compares the two (e2e/early-launcher.test.mjs).
  var early = null;
  // The config the app will read, when it is in the page (null when behind a URL).
  function config() {
    var c = settings.config;
    var element = c == null && d.getElementById('sitechat-config');
    if (c == null) c = element ? element.textContent : '{}';
    try {
      if (typeof c == 'string') c = c.trim()[0] == '{' ? JSON.parse(c) : null;
    } catch (error) {
      c = null;
    }
    return c && typeof c == 'object' ? c : null;
  }
  // Whether availability could hide the widget: then only the app may decide.
  function mayHide(c) {
    var a = c.availability == null ? {} : c.availability;
    var hides = (b) => !!b && b.behavior == 'hide';
    if (typeof a != 'object') return true;
    // A bot overrides availability: the widget is never hidden.
    if (!a.mode || a.mode == 'always' || (c.bot && c.bot.enabled === true)) return false;
    if (a.mode == 'team_status') return !a.when_away || hides(a.when_away);
    return a.mode != 'business_hours' || hides(a.outside_hours) || hides(a.when_team_away);
  }
  // WCAG contrast of two colours, as the app's core/src/color.rs computes it.
  function contrast(x, y) {
    var l = (c) =>
      c.reduce((sum, v, i) => sum + [0.2126, 0.7152, 0.0722][i] * ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4), 0.05);
    return Math.max(l(x) / l(y), l(y) / l(x));
  }
  function node(parent, name, attributes, ns) {
    var n = ns ? d.createElementNS('http://www.w3.org/2000/svg', name) : d.createElement(name);
    for (var k in attributes) n.setAttribute(k, attributes[k]);
    return parent ? parent.appendChild(n) : n;
  }
  function drawLauncher() {
    try {
      var c = config();
      var a = (c && c.appearance) || {};
      var hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(a.theme_color || '#2f5bea');
      if (dispatch || early !== null || !c || mayHide(c) || !hex || settings.inlineEmbedSelector != null || !d.body) return;
      hex = hex[1].length < 6 ? hex[1].replace(/./g, '$&$&') : hex[1];
      var bg = [0, 2, 4].map((i) => parseInt(hex.substr(i, 2), 16));
      var white = [255, 255, 255];
      var black = [0, 0, 0];
      var fg = contrast(bg, white) < contrast(bg, [17, 17, 17]) ? [17, 17, 17] : white;
      if (contrast(bg, fg) < 4.5) fg = contrast(bg, black) < contrast(bg, white) ? white : black;
      var lang = [settings.locale, a.locale, d.documentElement.lang]
        .concat(navigator.languages)
        .filter((tag) => /^\s*(en|fr)([-_]|\s*$)/i.test(tag))[0];
      var host = node(0, 'div', { 'data-sitechat': '', 'data-early': '' });
      var root = host.attachShadow({ mode: 'open' });
      var sheet = new CSSStyleSheet();
      var button = node(root, 'button', {
        type: 'button',
        class: 'sc-launcher',
        part: 'launcher',
        'aria-expanded': 'false',
        'aria-label': /^\s*fr/i.test(lang) ? 'Ouvrir le chat' : 'Open chat',
      });
      node(node(button, 'svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true' }, 1), 'path', {
        d: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z',
      }, 1);
      sheet.replaceSync(
        ':host{all:initial!important;display:block!important}button{position:fixed;z-index:2147483000;bottom:20px;' +
          (a.position == 'left' ? 'left' : 'right') +
          ':20px;width:60px;height:60px;border:0;border-radius:50%;padding:0;margin:0;cursor:pointer;background:rgb(' + bg +
          ');color:rgb(' + fg + ');box-shadow:0 6px 20px #1118273d;display:grid;place-items:center;transition:.16s}' +
          'button:hover{transform:scale(1.06);box-shadow:0 8px 26px #1118274d}button:focus-visible{outline:3px solid rgb(' + bg +
          ');outline-offset:3px}svg{width:28px;height:28px;fill:currentColor}[aria-busy] svg{animation:p .8s infinite alternate}' +
          '@keyframes p{to{opacity:.4}}@media (prefers-reduced-motion){*{animation:none!important;transition:none!important}}'
      );
      root.adoptedStyleSheets = [sheet];
      // A click opens the window as soon as the app is there; the icon pulses meanwhile.
      button.onclick = () => {
        if (button.hasAttribute('aria-busy')) return;
        button.setAttribute('aria-busy', 'true');
        call('launcher.click', []);
      };
      early = d.body.appendChild(host);
    } catch (error) {
      // A browser without constructable stylesheets: the app draws the launcher.
    }
  }
  function dropLauncher() {
    if (early) early.remove();
    early = null;
  }

  function call(method, args) {
    if (dispatch) return dispatch(method, args);
    queue.push([method, args]);
  }

  // Imports the app once; replays the queue (calls made while replaying join its end,
  // so the order is kept) before later calls go straight through.
  function start() {
    if (loading) return;
    loading = true;
    if (d.readyState == 'loading') d.addEventListener('DOMContentLoaded', begin, { once: true });
    else begin();
  }

  // Once the page is parsed: the launcher first, painted before the app's files take the
  // network (a hidden tab paints nothing: it waits at most 100 ms), then the app.
  function begin() {
    drawLauncher();
    if (!early) return importApp();
    requestAnimationFrame(() => setTimeout(importApp));
    setTimeout(importApp, 100);
  }

  var importing = false;
  function importApp() {
    if (importing) return;
    importing = true;
    // The wasm download starts now, beside the glue's import, not after it.
    var wasm = fetch(new URL(APP_WASM, src).href);
    wasm.catch(() => {}); // a failure is reported once, below
    import(new URL(APP_JS, src).href)
      .then((app) =>
        app.default({ module_or_path: wasm }).then(() => {
          var app_dispatch = app.boot();
          while (queue.length) app_dispatch(...queue.shift());
          dispatch = app_dispatch;
        })
      )
      .catch((error) => {
        loading = importing = false;
        dropLauncher();
        console.error('sitechat: could not load the widget from ' + src + ':', error);
      });
  }

  var method = (name) => (...args) => call(name, args);

  var api = {
    widget: {
      load: (...args) => {
        start();
        return call('widget.load', args);
      },
      open: method('widget.open'),
      close: method('widget.close'),
      remove: (...args) => {
        dropLauncher();
        early = 0; // and none drawn later
        return call('widget.remove', args);
      },
      refresh: method('widget.refresh'),
      status: (...args) =>
        dispatch
          ? dispatch('widget.status', args)
          : { loaded: false, pending: loading, open: false, availability: 'hidden', unreadCount: 0 },
    },
    clear: method('clear'),
    on: (...args) => {
      call('on', args);
      return () => api.off(args[0], args[1]);
    },
    off: method('off'),
  };
  w.SiteChat = w.HubSpotConversations = api;

  if (settings.loadImmediately !== false) start();

  // Ready callbacks: the ones already queued run now; later pushes run at once.
  ['sitechatOnReady', 'hsConversationsOnReady'].forEach((name) => {
    var list = Array.isArray(w[name]) ? w[name] : [];
    var run = (callback) => {
      if (typeof callback != 'function') {
        return console.error('sitechat: ' + name + ' holds a ' + typeof callback + ', expected functions');
      }
      try {
        callback();
      } catch (error) {
        console.error('sitechat: a ' + name + ' callback threw:', error);
      }
    };
    list.forEach(run);
    list.push = (...callbacks) => {
      callbacks.forEach(run);
      return list.length;
    };
    w[name] = list;
  });
})(window, document);
