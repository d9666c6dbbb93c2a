// @ts-check
/**
 * Above the article: the bar (documents, gold done, undo, progress, who and the save state),
 * Python's notes on the document, and the annotators with the numbers that take their versions.
 */
import { button, h } from "../common/dom.js";
import { reopen, setDone, undo } from "./actions.js";

/** @typedef {import("./view.js").ReviewView} ReviewView */

/** @param {ReviewView} view */
export function renderBar(view) {
  const state = view.state;
  const doc = view.doc;
  if (!state || !doc) return;
  const nav = view.navigation(view.docs, (entry, index) => {
    const mark = entry.status === "done" ? " ✓" : "";
    return `${index + 1}. ${entry.title}${mark} (${entry.annotators} annotators)`;
  });
  const p = state.progress;
  const done = state.status === "done";
  const undoButton = button("↶ Undo", "undo the last decision (u or Ctrl+Z)", () =>
    view.run(() => undo(view)),
  );
  undoButton.disabled = !state.can_undo;
  const finish = button("✓ Gold done", "mark the gold document done and open the next (d)", () =>
    view.run(() => setDone(view)),
  );
  finish.disabled = done;
  const progress =
    `${p.open} open of ${p.disagreements} disagreement${p.disagreements === 1 ? "" : "s"}` +
    ` · ${p.adjudicated} of ${p.documents} documents adjudicated`;
  view.bar.replaceChildren(
    nav,
    h("div", { cls: "an-status" }, [
      h("span", {
        cls: `an-badge an-badge-${done ? "done" : "open"}`,
        text: done ? "✓ gold done" : "gold open",
        attrs: { "data-testid": "doc-status" },
      }),
      finish,
      done ? button("Reopen", "clear the done status", () => view.run(() => reopen(view))) : null,
    ]),
    h("div", { cls: "an-edit" }, [undoButton]),
    h("div", { cls: "an-facts" }, [
      h("span", { cls: "an-progress", text: progress, attrs: { "data-testid": "progress" } }),
      h("span", { cls: "an-who", text: state.reviewer, title: "reviewing as" }),
      view.saveIndicator(),
    ]),
  );
  const notes = [state.notice, state.note].filter(Boolean).join("\n");
  view.noteBox.textContent = notes;
  view.noteBox.hidden = !notes;
}

/** @param {ReviewView} view */
export function renderLegend(view) {
  const state = view.state;
  if (!state) return;
  const people = state.annotators.map((a) =>
    h("span", { cls: "rv-person", attrs: { "data-annotator": a.name } }, [
      h("kbd", { text: String(a.key) }),
      ` ${a.name}`,
    ]),
  );
  view.legend.replaceChildren(
    h("span", { cls: "an-hint", text: "Annotators:" }),
    ...people,
    h("span", { cls: "an-hint an-key-solid", text: "solid: gold" }),
    h("span", { cls: "an-hint an-key-dashed", text: "dashed: disputed (numbers: who)" }),
    h("span", { cls: "an-hint rv-key-gold", text: "✓ decided by a reviewer" }),
  );
}
