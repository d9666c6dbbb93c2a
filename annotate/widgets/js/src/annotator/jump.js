// @ts-check
/**
 * `g`: go to a document. The box lists the documents around the open one (what the page
 * holds: never the whole queue); typing asks the kernel, which searches the project (an id's
 * start, words of a title, or #N for the N-th). ↑ ↓ pick, Enter opens, Esc closes. The keys
 * stay in the box: arrows move the pick, not JupyterLab's cell selection.
 */
import { h } from "../common/dom.js";
import { STATUS_MARK } from "./toolbar.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */
/** @typedef {import("./types.js").DocEntry} DocEntry */

const SEARCH_DELAY_MS = 120;

/** @param {AnnotatorView} view */
export function openJump(view) {
  view.jumpBox.hidden = false;
  view.jumpInput.value = "";
  view.jumpQuery = "";
  view.jumpResults = view.queue?.items ?? [];
  view.jumpPick = Math.max(0, view.jumpResults.findIndex((e) => e.doc_id === view.doc.doc_id));
  renderResults(view);
  view.jumpInput.focus({ preventScroll: true });
}

/** @param {AnnotatorView} view */
export function closeJump(view) {
  view.jumpBox.hidden = true;
  window.clearTimeout(view.jumpTimer);
  view.root.focus({ preventScroll: true });
}

/**
 * The box: a field and the list under it.
 * @param {AnnotatorView} view
 */
export function jumpBox(view) {
  const input = view.jumpInput;
  input.addEventListener("input", () => {
    window.clearTimeout(view.jumpTimer);
    view.jumpTimer = window.setTimeout(() => search(view, input.value), SEARCH_DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    const list = view.jumpResults;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.length) {
        const step = event.key === "ArrowDown" ? 1 : -1;
        view.jumpPick = (view.jumpPick + step + list.length) % list.length;
        renderResults(view);
      }
    } else if (event.key === "Enter") {
      event.preventDefault();
      // Typed faster than the search runs: search now, then open what it found first.
      const text = input.value;
      if (text.trim() && view.jumpQuery !== text) {
        window.clearTimeout(view.jumpTimer);
        search(view, text).then(() => {
          const first = view.jumpResults[view.jumpPick];
          if (first && view.jumpQuery === text) go(view, first.doc_id);
        });
        return;
      }
      const pick = list[view.jumpPick];
      if (pick) go(view, pick.doc_id);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      closeJump(view);
    }
  });
  const box = h("div", { cls: "an-jumpbox", attrs: { role: "dialog", "aria-label": "Go to a document", hidden: "" } }, [
    h("div", { cls: "an-row" }, [
      h("label", { text: "Go to: " }),
      input,
      h("span", { cls: "an-hint", text: "↑ ↓ Enter · Esc" }),
    ]),
    view.jumpList,
  ]);
  return box;
}

/** @param {AnnotatorView} view @param {string} text */
async function search(view, text) {
  if (!text.trim()) {
    view.jumpQuery = "";
    view.jumpResults = view.queue?.items ?? [];
    renderResults(view);
    return;
  }
  const reply = await view.request("search", { text }, { background: true });
  if (!reply || view.jumpInput.value !== text || view.jumpBox.hidden) return;
  view.jumpQuery = text;
  view.jumpResults = reply.results;
  view.jumpPick = 0;
  renderResults(view);
}

/** @param {AnnotatorView} view @param {string} docId */
function go(view, docId) {
  view.root.focus({ preventScroll: true });
  view.jumpBox.hidden = true;
  view.run(() => view.go(docId));
}

/** @param {AnnotatorView} view */
function renderResults(view) {
  const here = view.doc?.doc_id;
  const items = view.jumpResults.map((entry, i) => {
    const mark = entry.status ? ` ${STATUS_MARK[entry.status] ?? ""}` : "";
    const place = entry.index >= 0 ? `${entry.index + 1}. ` : "";
    const item = h("li", {
      cls: `an-jump-item${i === view.jumpPick ? " an-pick" : ""}${entry.doc_id === here ? " an-here" : ""}`,
      text: `${place}${entry.title}${mark}`,
      attrs: { "data-doc-id": entry.doc_id, role: "option", "aria-selected": String(i === view.jumpPick) },
    });
    item.addEventListener("mousedown", (event) => {
      event.preventDefault(); // keep the field's focus until the document opens
      go(view, entry.doc_id);
    });
    return item;
  });
  if (!items.length) items.push(h("li", { cls: "an-hint", text: "No document matches." }));
  view.jumpList.replaceChildren(...items);
  // The list scrolls, not the notebook around the widget.
  const pick = /** @type {HTMLElement | null} */ (view.jumpList.querySelector(".an-pick"));
  if (pick) {
    const list = view.jumpList;
    if (pick.offsetTop < list.scrollTop) list.scrollTop = pick.offsetTop;
    else if (pick.offsetTop + pick.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = pick.offsetTop + pick.offsetHeight - list.clientHeight;
    }
  }
}
