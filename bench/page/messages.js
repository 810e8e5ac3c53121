// The conversation both widgets are fed: message i (1-based) of a visitor talking to a
// support agent, the same for sitechat and for the peer.
//
// Invariants: deterministic (a fixed pseudo-random sequence, no clock, no Math.random),
// so every run and both widgets see exactly the same texts; message 1 is the visitor's
// opening line; every text ends with its own marker, `(#i)`, which is how the bench
// recognises that message i is on screen; about one message in eight carries a URL, so
// both widgets' link detection runs as it would in real chats.
(function (w) {
  'use strict';
  var WORDS = ('the order shipping invoice account password refund delivery tracking number ' +
    'please thanks could you help me with my when will it arrive price plan upgrade team ' +
    'support email address change billing card payment failed again tomorrow today week ' +
    'yes no sure great perfect sorry about that let check for you one moment here is link')
    .split(' ');
  /** A 32-bit xorshift step: the same sequence everywhere. */
  function next(state) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  }
  /** The first message's time: 2025-06-10 08:00 UTC; messages are 20 s apart. */
  var START = 1749542400000;

  /** The text that ends message `i` and appears nowhere else. */
  function marker(i) {
    return '(#' + i + ')';
  }

  /** Message `i`: `{ seq, author: 'visitor' | 'agent', text, at }`. */
  function message(i) {
    var state = next((i * 2654435761) >>> 0 || 1);
    state = next(state);
    // Runs of one to three messages per sender, like a real exchange.
    var author = i === 1 || Math.floor(i / 3) % 2 === 0 ? 'visitor' : 'agent';
    var words = 3 + (state % 28);
    var parts = [];
    for (var k = 0; k < words; k++) {
      state = next(state);
      parts.push(WORDS[state % WORDS.length]);
    }
    if (i % 8 === 5) parts.push('https://help.example.com/articles/' + i);
    var text = (i === 1 ? 'Hello, I have a question about my order' : parts.join(' ')) + ' ' + marker(i);
    return { seq: i, author: author, text: text, at: START + i * 20000 };
  }

  w.benchMessages = { message: message, marker: marker };
})(window);
