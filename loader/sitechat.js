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
// - a second copy of the tag does nothing;
// - the app file names below are filled in by loader/build.mjs at build time (Trunk's
//   post-build hook), which also strips these comments.
(function (w) {
  'use strict';
  if (w.SiteChat) return;
  var APP_JS = '{{app_js}}';
  var APP_WASM = '{{app_wasm}}';
  var script = document.currentScript;
  var src = (script && script.src) || '';
  var settings = w.sitechatSettings || w.hsConversationsSettings || {};
  var queue = [];
  var dispatch = null;
  var loading = false;
  var slice = [].slice;

  function call(method, args) {
    args = slice.call(args);
    if (dispatch) return dispatch(method, args);
    queue.push([method, args]);
  }

  // Imports the app once; replays the queue (calls made while replaying join its end,
  // so the order is kept) before later calls go straight through.
  function start() {
    if (loading) return;
    loading = true;
    // The wasm download starts now, beside the glue's import, not after it.
    var wasm = fetch(new URL(APP_WASM, src).href);
    wasm.catch(function () {}); // a failure is reported once, below
    import(new URL(APP_JS, src).href)
      .then(function (app) {
        return app.default({ module_or_path: wasm }).then(function () {
          var app_dispatch = app.boot();
          while (queue.length) {
            var next = queue.shift();
            app_dispatch(next[0], next[1]);
          }
          dispatch = app_dispatch;
        });
      })
      .catch(function (error) {
        loading = false;
        console.error('sitechat: could not load the widget from ' + src + ':', error);
      });
  }

  function method(name) {
    return function () {
      return call(name, arguments);
    };
  }

  var api = {
    widget: {
      load: function () {
        start();
        return call('widget.load', arguments);
      },
      open: method('widget.open'),
      close: method('widget.close'),
      remove: method('widget.remove'),
      refresh: method('widget.refresh'),
      status: function () {
        if (dispatch) return dispatch('widget.status', slice.call(arguments));
        return { loaded: false, pending: loading, open: false, availability: 'hidden', unreadCount: 0 };
      },
    },
    clear: method('clear'),
    on: function (event, listener) {
      call('on', arguments);
      return function () {
        api.off(event, listener);
      };
    },
    off: method('off'),
  };
  w.SiteChat = w.HubSpotConversations = api;

  if (settings.loadImmediately !== false) start();

  // Ready callbacks: the ones already queued run now; later pushes run at once.
  ['sitechatOnReady', 'hsConversationsOnReady'].forEach(function (name) {
    var list = Array.isArray(w[name]) ? w[name] : [];
    function run(callback) {
      if (typeof callback != 'function') {
        console.error('sitechat: ' + name + ' holds a ' + typeof callback + ', expected functions');
        return;
      }
      try {
        callback();
      } catch (error) {
        console.error('sitechat: a ' + name + ' callback threw:', error);
      }
    }
    list.forEach(run);
    list.push = function () {
      slice.call(arguments).forEach(run);
      return list.length;
    };
    w[name] = list;
  });
})(window);
