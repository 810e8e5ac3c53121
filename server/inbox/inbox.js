// sitechat agent inbox: plain JavaScript, no framework, no build step.
//
// Safety rule for this file: text from the wire is only ever put on the page with
// textContent or as attribute values of elements built with createElement; links
// are made only for http:, https: and mailto: URLs. No HTML is built from strings.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  me: null,
  team: new Map(),
  conversations: new Map(),
  currentId: null,
  messages: [],
  pendingFiles: [],
  ws: null,
  opened: false,
  retry: 0,
  typingTimer: null,
  typingSent: false,
  visitorTypingTimer: null,
  nextClientId: 1,
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

// Zero-width and bidirectional formatting characters.
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/;

function safeHref(raw) {
  try {
    const url = new URL(raw, location.href);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch (_) {
    return null;
  }
}

// Appends `text` to `parent`, turning http(s) URLs, www. hosts and e-mail addresses
// into safe links; everything else stays plain text.
function appendLinkified(parent, text) {
  // A link never contains whitespace, <>", or invisible formatting characters (bidi
  // overrides, zero-width spaces): inside a link they would make its text read
  // differently from where it goes. The same set as the widget's linkify.
  const c = '[^\\s<>"\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\uFEFF\\uFFF9-\\uFFFB]';
  const pattern = new RegExp(`\\b(https?:\\/\\/${c}+|www\\.${c}+|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,})`, "g");
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    let token = match[0].replace(/[.,;:!?)\]]+$/, "");
    const start = match.index;
    if (start > last) parent.append(text.slice(last, start));
    let href = token.includes("@") && !token.includes("/") ? "mailto:" + token
      : token.startsWith("www.") ? "https://" + token : token;
    href = safeHref(href);
    if (href) {
      const a = el("a", null, token);
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      parent.append(a);
    } else {
      parent.append(token);
    }
    last = start + token.length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

function timeOf(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function relative(ms) {
  const minutes = Math.round((Date.now() - ms) / 60000);
  if (minutes < 1) return "now";
  if (minutes < 60) return minutes + " min";
  if (minutes < 24 * 60) return Math.round(minutes / 60) + " h";
  return new Date(ms).toLocaleDateString();
}

function visitorLabel(conv) {
  return "Visitor " + conv.visitor_id.slice(2, 8);
}

function send(frame) {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) {
    state.ws.send(JSON.stringify(frame));
    return true;
  }
  toast("Not connected; try again in a moment.");
  return false;
}

// ---- login ----

async function start() {
  const me = await fetch("/api/agent/me", { credentials: "same-origin" }).catch(() => null);
  if (me && me.ok) {
    showApp();
    connect();
  } else {
    showLogin();
  }
}

function showLogin() {
  $("app").hidden = true;
  $("login").hidden = false;
}

function showApp() {
  $("login").hidden = true;
  $("app").hidden = false;
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  const response = await fetch("/api/agent/login", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: $("login-email").value, password: $("login-password").value }),
  }).catch(() => null);
  if (!response) {
    $("login-error").textContent = "The server cannot be reached.";
    return;
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    $("login-error").textContent = body.message || "Sign-in failed.";
    return;
  }
  $("login-password").value = "";
  showApp();
  connect();
});

$("logout").addEventListener("click", async () => {
  await fetch("/api/agent/logout", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  }).catch(() => null);
  state.opened = false;
  if (state.ws) { state.ws.onclose = null; state.ws.close(); }
  state.ws = null;
  showLogin();
});

// ---- socket ----

function connect() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(proto + "//" + location.host + "/ws/agent");
  state.ws = ws;
  let opened = false;
  ws.onopen = () => {
    opened = true;
    state.retry = 0;
    $("connection").textContent = "Connected";
    $("connection").classList.add("ok");
  };
  ws.onmessage = (event) => {
    let frame;
    try { frame = JSON.parse(event.data); } catch (_) { return; }
    handle(frame);
  };
  ws.onclose = () => {
    $("connection").textContent = "Reconnecting…";
    $("connection").classList.remove("ok");
    if (!opened && state.retry > 0) {
      // Refused twice in a row: most likely the session expired.
      start();
      return;
    }
    state.retry += 1;
    setTimeout(connect, Math.min(30000, 500 * 2 ** state.retry));
  };
}

function handle(frame) {
  switch (frame.type) {
    case "ready":
      state.me = frame.agent;
      state.team = new Map(frame.team.map((a) => [a.id, a]));
      $("me-name").textContent = frame.agent.name;
      renderStatus();
      renderPresence(frame.team_available);
      send({ type: "list_conversations" });
      if (state.currentId) send({ type: "open_conversation", conversation_id: state.currentId });
      break;
    case "conversations":
      state.conversations = new Map(frame.conversations.map((c) => [c.id, c]));
      renderList();
      break;
    case "conversation_updated":
      state.conversations.set(frame.conversation.id, frame.conversation);
      scheduleList();
      if (frame.conversation.id === state.currentId) renderHeader();
      break;
    case "conversation":
      if (frame.conversation.id !== state.currentId) break;
      state.conversations.set(frame.conversation.id, frame.conversation);
      state.messages = frame.messages;
      renderHeader();
      renderMessages();
      markRead();
      break;
    case "message":
      if (frame.conversation_id === state.currentId && !state.messages.some((m) => m.id === frame.message.id)) {
        state.messages.push(frame.message);
        state.messages.sort((a, b) => a.seq - b.seq);
        renderMessages();
        if (frame.message.author.kind === "visitor") {
          $("typing").hidden = true;
          markRead();
        }
      }
      break;
    case "ack":
      break;
    case "visitor_typing":
      if (frame.conversation_id === state.currentId) {
        $("typing").hidden = !frame.typing;
        clearTimeout(state.visitorTypingTimer);
        if (frame.typing) state.visitorTypingTimer = setTimeout(() => { $("typing").hidden = true; }, 8000);
      }
      break;
    case "agent_updated":
      state.team.set(frame.agent.id, frame.agent);
      if (state.me && frame.agent.id === state.me.id) state.me = frame.agent;
      renderStatus();
      if (state.currentId) renderHeader();
      break;
    case "team_presence":
      renderPresence(frame.team_available);
      break;
    case "transcript_queued":
      toast("Transcript queued for " + frame.email + ".");
      break;
    case "error":
      toast(frame.message);
      break;
    default:
      break;
  }
}

// ---- rendering ----

function renderStatus() {
  const available = state.me && state.me.status === "available";
  const button = $("status-toggle");
  button.textContent = available ? "Available" : "Away";
  button.setAttribute("aria-pressed", available ? "true" : "false");
}

function renderPresence(available) {
  const pill = $("team-presence");
  pill.textContent = available ? "Team available" : "Team away";
  pill.classList.toggle("ok", available);
}

function sortedConversations() {
  return [...state.conversations.values()].sort((a, b) => {
    if (a.status !== b.status) return a.status === "open" ? -1 : 1;
    return b.last_activity_at - a.last_activity_at;
  });
}

// A burst of updates (many conversations changing at once) is drawn once per frame,
// not once per update.
let listScheduled = false;
function scheduleList() {
  if (listScheduled) return;
  listScheduled = true;
  requestAnimationFrame(() => {
    listScheduled = false;
    renderList();
  });
}

function renderList() {
  const list = $("conversation-list");
  const items = sortedConversations();
  $("no-conversations").hidden = items.length > 0;
  list.replaceChildren(...items.map((conv) => {
    const li = el("li");
    li.tabIndex = 0;
    li.classList.toggle("selected", conv.id === state.currentId);
    li.classList.toggle("ended", conv.status === "ended");
    li.classList.toggle("unread", conv.unread > 0);
    const row = el("div", "row");
    row.append(el("span", "who", visitorLabel(conv)));
    if (conv.unread > 0) row.append(el("span", "badge", String(conv.unread)));
    row.append(el("span", "when", relative(conv.last_activity_at)));
    li.append(row, el("span", "preview", conv.preview || "(attachment)"));
    const assignee = conv.assignee ? state.team.get(conv.assignee) : null;
    const tag = conv.status === "ended" ? "Closed" : assignee ? "Assigned to " + assignee.name : "Unassigned";
    li.append(el("span", "tag", tag));
    li.addEventListener("click", () => open(conv.id));
    li.addEventListener("keydown", (e) => { if (e.key === "Enter") open(conv.id); });
    return li;
  }));
}

function open(id) {
  state.currentId = id;
  state.messages = [];
  state.pendingFiles = [];
  renderPending();
  $("empty").hidden = true;
  $("conversation").hidden = false;
  $("typing").hidden = true;
  renderList();
  renderHeader();
  renderMessages();
  send({ type: "open_conversation", conversation_id: id });
}

function renderHeader() {
  const conv = state.conversations.get(state.currentId);
  if (!conv) return;
  $("conv-title").textContent = visitorLabel(conv);
  const page = $("conv-page");
  page.textContent = conv.page_url || "unknown page";
  // A URL with invisible formatting characters reads differently from where it goes:
  // shown, but not as a link.
  const href = conv.page_url && !INVISIBLE.test(conv.page_url) ? safeHref(conv.page_url) : null;
  if (href) page.href = href; else page.removeAttribute("href");

  const select = $("assign");
  const options = [el("option", null, "Unassigned")];
  options[0].value = "";
  for (const agent of state.team.values()) {
    const option = el("option", null, agent.name + (state.me && agent.id === state.me.id ? " (me)" : ""));
    option.value = agent.id;
    options.push(option);
  }
  select.replaceChildren(...options);
  select.value = conv.assignee || "";

  const ended = conv.status === "ended";
  $("close-conv").disabled = ended;
  $("composer").hidden = ended;
  $("ended").hidden = !ended;
  if (ended) {
    const why = { agent: "closed by an agent", inactivity: "closed after visitor inactivity", bot: "ended by the bot" };
    $("ended").textContent = "This chat has ended (" + (why[conv.end_reason] || "closed") + ").";
  }
}

function renderMessages() {
  const list = $("messages");
  const stick = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...state.messages.map((m) => {
    const li = el("li", "msg " + m.author.kind);
    const who = m.author.kind === "visitor" ? "Visitor" : (m.author.name || m.author.kind);
    li.append(el("span", "meta", who + " · " + timeOf(m.at)));
    appendLinkified(li, m.text);
    for (const file of m.attachments || []) {
      const href = safeHref(file.url);
      if (!href) continue;
      if (/^image\/(png|jpeg|gif|webp)$/.test(file.mime)) {
        const img = el("img");
        img.src = href;
        img.alt = file.name;
        li.append(img);
      } else {
        const a = el("a", "file", "📄 " + file.name + " (" + Math.ceil(file.size / 1024) + " KB)");
        a.href = href;
        a.download = file.name;
        li.append(a);
      }
    }
    return li;
  }));
  if (stick || list.scrollTop === 0) list.scrollTop = list.scrollHeight;
}

function markRead() {
  const conv = state.conversations.get(state.currentId);
  const last = state.messages.length ? state.messages[state.messages.length - 1].seq : 0;
  if (conv && last > 0 && conv.unread > 0) send({ type: "mark_read", conversation_id: conv.id, up_to_seq: last });
}

function renderPending() {
  $("pending-files").replaceChildren(...state.pendingFiles.map((f) => el("span", "chip", f.name)));
}

// ---- actions ----

$("status-toggle").addEventListener("click", () => {
  const next = state.me && state.me.status === "available" ? "away" : "available";
  send({ type: "set_status", status: next });
});

$("assign").addEventListener("change", (event) => {
  if (!state.currentId) return;
  send({ type: "assign", conversation_id: state.currentId, agent_id: event.target.value || null });
});

$("close-conv").addEventListener("click", () => {
  if (state.currentId) send({ type: "close_conversation", conversation_id: state.currentId });
});

function stopTyping() {
  clearTimeout(state.typingTimer);
  if (state.typingSent && state.currentId) {
    send({ type: "typing", conversation_id: state.currentId, typing: false });
  }
  state.typingSent = false;
}

$("reply").addEventListener("input", () => {
  if (!state.currentId) return;
  if (!state.typingSent) {
    send({ type: "typing", conversation_id: state.currentId, typing: true });
    state.typingSent = true;
  }
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(stopTyping, 3000);
});

$("reply").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("reply").value;
  if (!state.currentId || (!text.trim() && state.pendingFiles.length === 0)) return;
  const frame = {
    type: "send_message",
    conversation_id: state.currentId,
    client_id: "inbox-" + Date.now().toString(36) + "-" + state.nextClientId++,
    text,
    attachments: state.pendingFiles.map((f) => ({ id: f.id, name: f.name, mime: f.mime, size: f.size })),
  };
  if (send(frame)) {
    $("reply").value = "";
    state.pendingFiles = [];
    renderPending();
    stopTyping();
  }
});

$("file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  const url = "/api/attachments?name=" + encodeURIComponent(file.name) + "&mime=" + encodeURIComponent(file.type);
  const response = await fetch(url, { method: "POST", credentials: "same-origin", body: file }).catch(() => null);
  if (!response) return toast("Upload failed: the server cannot be reached.");
  const body = await response.json().catch(() => ({}));
  if (!response.ok) return toast("Upload failed: " + (body.message || response.status));
  state.pendingFiles.push(body);
  renderPending();
});

$("transcript-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const email = $("transcript-email").value.trim();
  if (state.currentId && email) send({ type: "send_transcript", conversation_id: state.currentId, email });
});

setInterval(() => { if (state.conversations.size) renderList(); }, 60000);
start();
