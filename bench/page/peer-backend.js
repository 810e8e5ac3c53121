// The bench's feeder for the peer, in the page: once react-chat-widget is mounted it is
// given the same conversation as sitechat's backend (page/messages.js) through the
// widget's own API — `addUserMessage` for the visitor's messages, `addResponseMessage`
// for the agent's.
//
//   /peer/?messages=N    messages 1..N are added as soon as the widget is ready
//
// For the bench: `window.__benchBackend.fed` resolves once they are all added;
// `__benchBackend.append()` adds the next message (from the agent) and returns its marker.
(function (w) {
  'use strict';
  var total = Number(new URLSearchParams(w.location.search).get('messages') || 0);
  var api = null;
  var resolveFed;
  var fed = new Promise(function (ok) {
    resolveFed = ok;
  });

  function add(i, from) {
    var m = w.benchMessages.message(i);
    if ((from || m.author) === 'visitor') api.addUserMessage(m.text);
    else api.addResponseMessage(m.text);
  }

  w.__peerReady = function (widget) {
    api = widget;
    api.batch(function () {
      for (var i = 1; i <= total; i++) add(i);
    });
    resolveFed();
  };

  w.__benchBackend = {
    fed: fed,
    append: function () {
      total += 1;
      add(total, 'agent');
      return w.benchMessages.marker(total);
    },
  };
})(window);
