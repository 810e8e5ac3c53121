// The probe: a script the bench adds to every page before the page's own scripts run
// (Playwright's addInitScript). It watches the page from its first moment and measures
// inside it, so no figure includes the bench's round trips to the browser.
//
// In the page it defines `window.__bench`:
// - `longTasks`: every long task (> 50 ms) of the page's main thread, from a buffered
//   PerformanceObserver, as `{ start, duration }`;
// - `marks.launcher`: `performance.now()` in the first animation frame in which the
//   widget's launcher is visible (see `visible`); the frame is painted right after;
// - `marks.ready`: the same for the widget's app (`target.ready`): for sitechat, the
//   app's own launcher, which replaces the one the loader draws first; for the peer,
//   its launcher, which its app draws;
// - `interact(action, done)`: runs `action()` and resolves with two durations, in ms:
//   `layout` — until `done()` holds, its element laid out (forced layout: script, style
//   and layout, no paint); `frame` — until the next frame after that is painted
//   (requestAnimationFrame, then a task after it);
// - `find(path)`, `visible(el)`, `lastMessage()`: the widget's elements.
//
// Invariants: the probe only reads the page (it adds no node and no listener the widget
// could see, apart from its observer); a target's elements are named by a `path` of CSS
// selectors, each one after the first searched in the previous element's open shadow
// root, so the same code reaches sitechat (Shadow DOM) and the peer (plain DOM).

/**
 * The probe's source for a widget whose elements are at `target`:
 * `{ launcher: [...], ready: [...], window: [...], messages: [...] }`, each a selector path
 * (`messages` names every message bubble; the last one matching is the newest).
 */
export function probeScript(target) {
  return `(${probe.toString()})(${JSON.stringify(target)});`;
}

/* eslint-disable no-undef -- runs in the page */
function probe(target) {
  const b = (window.__bench = { longTasks: [], marks: {}, target });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (err) {
    b.longTaskError = String(err);
  }

  /** The element at `path` (selectors, descending into open shadow roots), or null. */
  function find(path, all) {
    let root = document;
    for (let k = 0; k < path.length; k++) {
      if (!root) return null;
      if (k === path.length - 1) return all ? root.querySelectorAll(path[k]) : root.querySelector(path[k]);
      const el = root.querySelector(path[k]);
      root = el && el.shadowRoot;
    }
    return null;
  }

  /** In the layout with a box of at least 1×1 px inside the viewport, not hidden, not transparent. */
  function visible(el) {
    if (!el || !el.isConnected) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    if (r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0;
  }

  function lastMessage() {
    const all = find(target.messages, true);
    return all && all.length ? all[all.length - 1] : null;
  }

  // The first frame with the launcher visible, and the first with the app's.
  function watch() {
    for (const mark of ['launcher', 'ready']) {
      if (b.marks[mark] === undefined && visible(find(target[mark]))) b.marks[mark] = performance.now();
    }
    if (b.marks.launcher === undefined || b.marks.ready === undefined) requestAnimationFrame(watch);
  }
  requestAnimationFrame(watch);

  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = () => waiting.shift()();
  /** The next task (no 4 ms clamp, unlike setTimeout). */
  const nextTask = () => new Promise((ok) => { waiting.push(ok); channel.port2.postMessage(0); });
  const nextFrame = () => new Promise((ok) => requestAnimationFrame(() => ok()));

  b.interact = async (action, done, timeoutMs = 30000) => {
    const t0 = performance.now();
    action();
    for (;;) {
      const el = done();
      if (el) {
        el.getBoundingClientRect();
        break;
      }
      if (performance.now() - t0 > timeoutMs) throw new Error(`not done after ${timeoutMs} ms`);
      await nextTask();
    }
    const layout = performance.now() - t0;
    await nextFrame();
    await nextTask();
    return { layout, frame: performance.now() - t0 };
  };
  b.find = find;
  b.visible = visible;
  b.lastMessage = lastMessage;
  /** The newest message, if it carries `marker`. */
  b.shows = (marker) => {
    const el = lastMessage();
    return el && el.textContent.includes(marker) ? el : null;
  };
}
