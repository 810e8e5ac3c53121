// The bench's backend for sitechat, in the page: the settings (config + a JavaScript-bridge
// transport, docs/transports.md) and a backend that holds the conversation of
// page/messages.js. It is what a returning visitor with N earlier messages meets.
//
//   /sitechat/?messages=N    the backend's conversation holds messages 1..N
//
// Protocol (docs/protocol.md): `hello` → `welcome`; `send_message` → `conversation_started`
// (first one) and `ack`; `catch_up` → one `history` frame of at most 100 messages,
// `complete: false` until the last one (the widget asks again after the last seq it got);
// `ping` → `pong`. Frames reach the widget on a later task, as from a network.
//
// For the bench: `window.__benchBackend.fed` resolves once the frame that completes the
// history has been handed over; `__benchBackend.append()` delivers the next message of the
// conversation, from the agent, as a new `message` frame and returns its marker.
(function (w) {
  'use strict';
  var CONVERSATION = 'c_bench';
  var PAGE = 100;
  var total = Number(new URLSearchParams(w.location.search).get('messages') || 0);
  var clientIds = {};
  var handlers = null;
  var resolveFed;
  var fed = new Promise(function (ok) {
    resolveFed = ok;
  });
  if (total === 0) resolveFed();

  function wire(i, from) {
    var m = w.benchMessages.message(i);
    var author = from || m.author;
    return {
      id: 'm' + i,
      seq: i,
      client_id: clientIds[i] || null,
      author: author === 'visitor' ? { kind: 'visitor' } : { kind: 'agent', name: 'Camille' },
      text: m.text,
      at: m.at,
    };
  }

  function emit(event, then) {
    var mine = handlers;
    setTimeout(function () {
      if (mine && mine === handlers) {
        mine.onEvent(event);
        if (then) then();
      }
    }, 0);
  }

  function answer(command) {
    switch (command.type) {
      case 'hello':
        emit({ type: 'welcome', session_token: 'st_bench', visitor_id: 'v_bench', team_available: true, server_time: Date.now() });
        break;
      case 'send_message': {
        var fresh = command.conversation_id == null;
        total += 1;
        clientIds[total] = command.client_id;
        if (fresh) emit({ type: 'conversation_started', conversation_id: CONVERSATION, client_id: command.client_id });
        emit({ type: 'ack', client_id: command.client_id, conversation_id: CONVERSATION, message_id: 'm' + total, seq: total, at: Date.now() });
        break;
      }
      case 'catch_up': {
        var from = Number(command.after_seq) + 1;
        var to = Math.min(total, from + PAGE - 1);
        var messages = [];
        for (var i = from; i <= to; i++) messages.push(wire(i));
        var complete = to >= total;
        emit({ type: 'history', conversation_id: CONVERSATION, complete: complete, messages: messages }, complete ? resolveFed : null);
        break;
      }
      case 'ping':
        emit({ type: 'pong', nonce: command.nonce });
        break;
      default:
        // typing, mark_read, request_transcript: nothing to answer.
        break;
    }
  }

  w.__benchBackend = {
    fed: fed,
    append: function () {
      total += 1;
      emit({ type: 'message', conversation_id: CONVERSATION, message: wire(total, 'agent') });
      return w.benchMessages.marker(total);
    },
  };

  w.sitechatSettings = {
    config: {
      profile: { name: 'Camille from Lumen' },
      appearance: { theme_color: '#5b3df5', position: 'right', branding: true, locale: 'en' },
      availability: { mode: 'always', typical_response_time: 'few_minutes' },
      options: { transcript_auto_send: false, inactivity_timeout_minutes: 30, attachments: false },
    },
    transport: {
      connect: function (h) {
        handlers = h;
        setTimeout(function () {
          if (handlers === h) h.onOpen();
        }, 0);
      },
      send: function (command) {
        answer(typeof command === 'string' ? JSON.parse(command) : command);
      },
      close: function () {
        handlers = null;
      },
    },
  };
})(window);
