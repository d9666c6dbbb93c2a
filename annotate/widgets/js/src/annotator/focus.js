// @ts-check
/**
 * Keys and focus. While the widget has focus, every key stays in it (ArticleView.onKey). When
 * focus leaves it (a click on the notebook around it), that is made plain: the article is
 * veiled with "keys paused", and one click, or one of the widget's keys, brings the keys back.
 * That key is taken before JupyterLab sees it and does nothing else: `d` `d` meant for the
 * widget never deletes a notebook cell. Esc outside the widget, or working in a cell's editor,
 * leaves the keys to the notebook.
 */
import { button, h } from "../common/dom.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */

/** Focus lost this soon after a press inside the widget was taken by the notebook. */
const STOLEN_MS = 400;

/** The view that last had the keys: only it takes a stray key back. @type {AnnotatorView | null} */
let lastFocused = null;

/** @param {Element | null} target */
function editing(target) {
  return Boolean(
    target?.closest?.('input, textarea, select, [contenteditable=""], [contenteditable="true"], .cm-editor'),
  );
}

/** @param {AnnotatorView} view */
function visible(view) {
  if (!view.root.isConnected || document.visibilityState !== "visible") return false;
  const box = view.root.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && box.bottom > 40 && box.top < window.innerHeight - 40;
}

/**
 * The veil over the article while the keys are elsewhere.
 * @param {AnnotatorView} view
 */
export function pausedVeil(view) {
  const veil = h("div", { cls: "an-paused", attrs: { "data-testid": "paused", hidden: "" } }, [
    h("div", { cls: "an-paused-card" }, [
      h("strong", { text: "Keys paused" }),
      h("span", {
        text: "The widget lost the keyboard. Click here, or press one of its keys, to go on annotating. Esc leaves the keys to the notebook.",
      }),
      button("▶ Go on annotating", "click, or press any of the widget's keys", () => resume(view, null)),
    ]),
  ]);
  veil.addEventListener("mousedown", (event) => {
    event.preventDefault();
    resume(view, null);
  });
  return veil;
}

/**
 * @param {AnnotatorView} view
 * @param {string | null} key the key that brought them back, if it was a key
 */
function resume(view, key) {
  view.root.focus({ preventScroll: true });
  view.say(
    key
      ? `The keys are back in the widget (“${key}” was not passed on, to JupyterLab or the widget): press it again.`
      : "The keys are back in the widget.",
  );
}

/**
 * Put the veil's card in the part of the article the notebook shows, wherever it is scrolled.
 * @param {AnnotatorView} view
 */
function placeCard(view) {
  const veil = view.veil.getBoundingClientRect();
  const outer = view.el.closest(".jp-WindowedPanel-outer");
  const area = outer ? outer.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
  const top = Math.max(veil.top, area.top);
  const bottom = Math.min(veil.bottom, area.bottom);
  const middle = bottom > top ? (top + bottom) / 2 - veil.top : veil.height / 2;
  view.veil.style.paddingTop = `${Math.max(8, Math.min(veil.height - 140, middle - 60))}px`;
}

/**
 * Listen for focus leaving and coming back, and for keys meant for the widget while it is
 * away; returns the cleanup.
 * @param {AnnotatorView} view
 */
export function watchFocus(view) {
  const root = view.root;
  const onIn = () => {
    lastFocused = view;
    view.armed = true;
    root.dataset.focus = "in";
    view.veil.hidden = true;
  };
  let pressedAt = 0;
  const onPointer = () => {
    pressedAt = Date.now();
  };
  const onOut = () => {
    // focusout comes before focus lands elsewhere: look once it has landed.
    window.setTimeout(() => {
      if (root.contains(document.activeElement)) return;
      if (Date.now() - pressedAt < STOLEN_MS && !editing(document.activeElement)) {
        // A click inside the widget, and the notebook took the focus for its cell: the click
        // was meant for the widget, which keeps the keys.
        root.focus({ preventScroll: true });
        return;
      }
      root.dataset.focus = "out";
      view.veil.hidden = !view.armed || !view.state?.annotator;
      if (!view.veil.hidden) placeCard(view);
    }, 0);
  };
  /** @param {KeyboardEvent} event */
  const onKey = (event) => {
    if (!view.armed || lastFocused !== view || root.contains(/** @type {Node} */ (event.target))) return;
    if (editing(/** @type {Element} */ (event.target)) || editing(document.activeElement)) {
      view.armed = false; // working in an editor: the notebook's turn
      view.veil.hidden = true;
      return;
    }
    if (event.key === "Escape") {
      view.armed = false;
      view.veil.hidden = true;
      return;
    }
    if (event.ctrlKey || event.metaKey || !visible(view) || !view.owns(event)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    resume(view, event.key);
  };
  root.addEventListener("focusin", onIn);
  root.addEventListener("focusout", onOut);
  root.addEventListener("pointerdown", onPointer, true);
  // Capture on the window: before JupyterLab's own listeners, which act on the document.
  window.addEventListener("keydown", onKey, true);
  return () => {
    root.removeEventListener("focusin", onIn);
    root.removeEventListener("focusout", onOut);
    root.removeEventListener("pointerdown", onPointer, true);
    window.removeEventListener("keydown", onKey, true);
    if (lastFocused === view) lastFocused = null;
  };
}
