// @ts-check
/**
 * `/`: find words in the article and select them, so a span can be added without the mouse.
 * Enter selects the next match after the selection (wrapping round), as a real text selection:
 * a label's key then marks it, exactly as after a drag. Esc cancels.
 */
import { clip, h } from "../common/dom.js";
import { oneLineForm } from "../common/forms.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */

/** @param {AnnotatorView} view */
export function findForm(view) {
  const input = view.findInput;
  const form = oneLineForm(
    "an-find",
    input,
    [h("span", { text: "Find: " }), input, h("span", { cls: "an-hint", text: "Enter selects the next match · Esc" })],
    {
      submit: () => {
        const text = input.value;
        // The keys go back to the widget at once: the next key (a label's) is its.
        view.root.focus({ preventScroll: true });
        view.findBox.hidden = true;
        view.run(() => findNext(view, text));
      },
      cancel: () => {
        view.findBox.hidden = true;
        view.root.focus({ preventScroll: true });
      },
    },
  );
  form.hidden = true;
  return form;
}

/** @param {AnnotatorView} view */
export function openFind(view) {
  view.findBox.hidden = false;
  view.findInput.select();
  view.findInput.focus({ preventScroll: true });
}

/**
 * Select the next occurrence of `text` after the current selection (or the selected span).
 * @param {AnnotatorView} view @param {string} text
 */
export function findNext(view, text) {
  // No focus taken here: the form gave the keys back when it was sent, and since then the
  // annotator may be typing in the next field.
  const needle = text.trim().toLowerCase();
  if (!needle) return;
  const haystack = view.doc.text.toLowerCase();
  // From where the annotator is: the text selection, else the selected span, else the last
  // match (so / finds one thing after another down the article), else the top.
  const range = view.selectionRange();
  const span = view.current;
  const last = view.lastFound?.doc === view.doc.doc_id ? view.lastFound.at + 1 : 0;
  const fromCp = range ? range[0] + 1 : span ? span.start + 1 : view.offsets.toCp(last);
  const from = view.offsets.toU16(Math.min(fromCp, view.offsets.toCp(view.doc.text.length)));
  let at = haystack.indexOf(needle, from);
  if (at < 0) at = haystack.indexOf(needle);
  if (at < 0) {
    view.say(`“${clip(text, 40)}” is not in this article.`);
    return;
  }
  const selection = domRange(view, at, at + needle.length);
  if (!selection) return;
  view.lastFound = { doc: view.doc.doc_id, at };
  // Words, as a drag selects them: the label key snaps the same way.
  view.selected = null;
  view.flush();
  window.getSelection()?.removeAllRanges();
  window.getSelection()?.addRange(selection);
  // Kept apart from the page's selection too: a key pressed before this ran took the
  // selection as it was then, and a redraw may clear the page's.
  const cp = view.offsets.toCp(at);
  view.found = view.tokens.snap(cp, view.offsets.toCp(at + needle.length));
  const rect = selection.getBoundingClientRect();
  const box = view.scrollEl.getBoundingClientRect();
  if (rect.top < box.top || rect.bottom > box.bottom) {
    view.scrollEl.scrollTop += rect.top - box.top - box.height / 3;
  }
  view.say(
    `“${clip(view.doc.text.slice(at, at + needle.length), 50)}” selected: press a label's key to mark it as ${view.layerName} (/ then Enter: the next match).`,
  );
}

/**
 * A DOM range over the article's UTF-16 offsets [a, b).
 * @param {AnnotatorView} view @param {number} a @param {number} b
 * @returns {Range | null}
 */
export function domRange(view, a, b) {
  const walker = document.createTreeWalker(view.textEl, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0;
  let started = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = /** @type {Text} */ (node).data.length;
    if (!started && a < seen + length) {
      range.setStart(node, a - seen);
      started = true;
    }
    if (started && b <= seen + length) {
      range.setEnd(node, b - seen);
      return range;
    }
    seen += length;
  }
  return null;
}
