// The peer: react-chat-widget 3.1.4 (React 17) as a site would embed it — one bundle that
// mounts the widget in a container appended to <body>. Its stylesheet is bundled to
// peer.css, which the host page links in its <head> (the peer's best case: a site would
// fold it into its own CSS).
//
// For the bench it also tells the page's feeder (page/peer-backend.js) that it is ready,
// handing over the widget's public functions to add messages, and React's batching, with
// which a site would add a returning visitor's history in one render.
import React from 'react';
import ReactDOM from 'react-dom';
import { Widget, addResponseMessage, addUserMessage } from 'react-chat-widget';
import 'react-chat-widget/lib/styles.css';

const container = document.createElement('div');
container.id = 'peer-chat';
document.body.appendChild(container);
ReactDOM.render(
  <Widget title="Camille from Lumen" subtitle="Typically replies in a few minutes" senderPlaceHolder="Write a message…" />,
  container,
);
if (typeof window.__peerReady === 'function') window.__peerReady({ addResponseMessage, addUserMessage, batch: ReactDOM.unstable_batchedUpdates });
