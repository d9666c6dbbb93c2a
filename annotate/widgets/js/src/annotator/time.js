// @ts-check
/**
 * Time worked on each document: counted while the page is visible and the annotator is not
 * away, shown in the bar, and sent to Python every few seconds and when leaving a document.
 */

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */

const IDLE_AFTER_MS = 60_000; // no input for this long: the annotator is away, time stops
const TIME_FLUSH_S = 20;

/** @param {number} seconds */
function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

/** Once a second. @param {AnnotatorView} view */
export function tick(view) {
  if (!view.state?.annotator || !view.root.isConnected) return;
  const away = document.visibilityState !== "visible" || Date.now() - view.lastInput > IDLE_AFTER_MS;
  if (away) return;
  view.elapsed += 1;
  renderTime(view);
  if (view.elapsed >= TIME_FLUSH_S) flushTime(view);
}

/** @param {AnnotatorView} view */
export function flushTime(view) {
  const seconds = view.elapsed;
  if (seconds < 1 || !view.doc || !view.state?.annotator) return;
  view.elapsed = 0;
  view.request("time", { doc_id: view.doc.doc_id, seconds }, { background: true });
}

/** @param {AnnotatorView} view */
export function renderTime(view) {
  const state = view.state;
  if (!view.timeEl || !state) return;
  const here = clock(state.seconds_doc + view.elapsed);
  view.timeEl.textContent = `time ${here} · total ${clock(state.seconds_total + view.elapsed)}`;
}
