// @ts-check
/**
 * Marking a document done while suggestions are still shown asks once, with the counts:
 * accept what is shown (Prodigy's ner.correct does that), reject it, or go back to decide. The
 * project's setting picks the default, which Enter takes. Python refuses a "done" without the
 * choice (E626), so nothing shown is ever dropped without a word.
 */
import { button, h } from "../common/dom.js";
import { select, setStatus } from "./actions.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */
/** @typedef {import("../common/types.js").Key} Key */

/**
 * The suggestions shown now, per layer in the scheme's order.
 * @param {AnnotatorView} view
 * @returns {[string, number][]}
 */
function undecided(view) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const span of view.spans) {
    if (span.status === "suggested") counts.set(span.layer, (counts.get(span.layer) ?? 0) + 1);
  }
  return view.scheme.layers
    .filter((layer) => counts.has(layer.name))
    .map((layer) => [layer.name, counts.get(layer.name) ?? 0]);
}

/**
 * `d` or the Done button: mark done and go on, asking first if suggestions are shown.
 * @param {AnnotatorView} view
 */
export function done(view) {
  const open = undecided(view);
  if (!open.length) return setStatus(view, "done", true);
  view.doneAsk = true;
  renderDone(view);
  return undefined;
}

/** @param {AnnotatorView} view */
export function closeDone(view) {
  view.doneAsk = false;
  view.doneBox.hidden = true;
  view.doneBox.replaceChildren();
}

/**
 * @param {AnnotatorView} view
 * @param {"accept" | "reject"} choice
 */
async function decide(view, choice) {
  closeDone(view);
  const reply = await setStatus(view, "done", true, choice);
  if (reply) {
    const n = reply.accepted ?? reply.rejected ?? 0;
    view.say(`Marked done with ${n} suggestion(s) ${choice === "accept" ? "accepted" : "rejected"}.`);
  }
}

/** @param {AnnotatorView} view */
function back(view) {
  closeDone(view);
  const first = view.spans.find((s) => s.status === "suggested" && s.layer === view.layerName) ??
    view.spans.find((s) => s.status === "suggested");
  view.say("Not marked done: decide the suggestions (Enter accepts, x rejects), then d.");
  if (first) select(view, first.id);
}

/** @param {AnnotatorView} view */
export function renderDone(view) {
  if (!view.doneAsk) return;
  const open = undecided(view);
  const total = open.reduce((sum, [, n]) => sum + n, 0);
  const preferred = view.state?.undecided_default === "reject" ? "reject" : "accept";
  const what = open.map(([layer, n]) => `${n} ${layer}`).join(", ");
  const accept = button(
    `Accept ${total} and mark done`,
    "a (or Enter when it is the default)",
    () => view.run(() => decide(view, "accept")),
    preferred === "accept" ? "an-primary" : "",
  );
  const reject = button(
    `Reject ${total} and mark done`,
    "x (or Enter when it is the default)",
    () => view.run(() => decide(view, "reject")),
    preferred === "reject" ? "an-primary" : "",
  );
  accept.dataset.choice = "accept";
  reject.dataset.choice = "reject";
  view.doneBox.replaceChildren(
    h("p", { cls: "an-done-q", attrs: { "data-testid": "done-question" } }, [
      h("strong", { text: `${total} suggestion(s) are still undecided` }),
      ` (${what}).`,
    ]),
    h("div", { cls: "an-row" }, [
      h("kbd", { text: preferred === "accept" ? "Enter / a" : "a" }),
      accept,
      h("kbd", { text: preferred === "reject" ? "Enter / x" : "x" }),
      reject,
      h("kbd", { text: "Esc" }),
      button("Go back", "Esc: decide them first", () => view.run(() => back(view))),
    ]),
    h("p", {
      cls: "an-hint",
      text: `The project's default (Enter) is to ${preferred} what is shown; accepted suggestions become your spans.`,
    }),
  );
  view.doneBox.hidden = false;
}

/**
 * Keys while the question is open: it has them all.
 * @param {AnnotatorView} view @param {Key} k
 */
export function doneKey(view, k) {
  const preferred = view.state?.undecided_default === "reject" ? "reject" : "accept";
  if (k.key === "Enter") return decide(view, preferred);
  if (k.key === "a") return decide(view, "accept");
  if (k.key === "x") return decide(view, "reject");
  if (k.key === "Escape") return back(view);
  return undefined;
}
