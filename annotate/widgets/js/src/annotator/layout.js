// @ts-check
/**
 * The widget's size. In a notebook it is as tall as the notebook's visible area (never a small
 * box in a long page): the bar with Done and the progress, the messages, the article and the
 * panel are all on one screen, and only the article scrolls. `F` (or ⤢) fills the whole
 * notebook panel; opened in a panel of its own (JupyterLab's "Create New View for Output") it
 * fills that panel. Narrower than 880 px, the panel goes under the article, still on screen.
 */

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */

const NARROW_PX = 880;
const MIN_HEIGHT_PX = 420;
const MARGIN_PX = 16;

/**
 * The element the notebook scrolls in, around the widget (JupyterLab's notebook body, or an
 * output view's panel); null outside any.
 * @param {HTMLElement} el
 * @returns {HTMLElement | null}
 */
function scroller(el) {
  for (let node = el.parentElement; node; node = node.parentElement) {
    if (node.matches(".jp-LinkedOutputView, .jp-OutputArea-child.jp-mod-isolated")) return node;
    const style = getComputedStyle(node);
    const scrolls = /(auto|scroll)/.test(style.overflowY);
    if (scrolls && node.scrollHeight > node.clientHeight + 1) return node;
    if (node.matches(".jp-WindowedPanel-outer, .jp-Notebook")) return node;
  }
  return null;
}

/** @param {AnnotatorView} view */
export function fit(view) {
  const root = view.root;
  const outer = scroller(view.el);
  const inPanel = Boolean(view.el.closest(".jp-LinkedOutputView"));
  root.dataset.layout = view.full ? "full" : inPanel ? "panel" : "fit";
  let height = window.innerHeight;
  if (view.full) {
    height = root.getBoundingClientRect().height || height;
  } else if (outer) {
    height = outer.clientHeight - (inPanel ? 4 : MARGIN_PX);
  } else {
    height = window.innerHeight - MARGIN_PX;
  }
  // An output the person made scroll (a click on its prompt) is a box they sized: fill it.
  const inScrolledOutput = Boolean(outer?.closest(".jp-mod-outputsScrolled")) &&
    !outer?.matches(".jp-WindowedPanel-outer");
  const least = inScrolledOutput ? 200 : MIN_HEIGHT_PX;
  if (!view.full) root.style.setProperty("--an-h", `${Math.max(least, Math.round(height))}px`);
  const narrow = root.getBoundingClientRect().width < NARROW_PX;
  if (narrow !== (root.dataset.narrow === "true")) root.dataset.narrow = String(narrow);
}

/**
 * Keep the widget sized to what is around it; returns the cleanup.
 * @param {AnnotatorView} view
 */
export function watchSize(view) {
  const refit = () => fit(view);
  const observer = new ResizeObserver(() => {
    refit();
    view.redrawArcs();
  });
  observer.observe(view.root);
  const outer = scroller(view.el);
  if (outer) observer.observe(outer);
  window.addEventListener("resize", refit);
  // The first size is known once the output is in the page.
  requestAnimationFrame(refit);
  return () => {
    observer.disconnect();
    window.removeEventListener("resize", refit);
  };
}

/**
 * `F` / ⤢: fill the notebook panel, or go back into the notebook.
 * @param {AnnotatorView} view
 */
export function toggleFull(view) {
  view.full = !view.full;
  fit(view);
  view.root.focus({ preventScroll: true });
  if (!view.full) ensureVisible(view);
  view.say(view.full ? "Full height: F or ⤢ goes back into the notebook." : null);
}

/**
 * Bring the whole widget into the notebook's view when part of it (the bar, the messages) is
 * scrolled away, so what the widget says is always where the annotator looks.
 * @param {AnnotatorView} view
 */
export function ensureVisible(view) {
  if (view.full) return;
  const outer = scroller(view.el);
  if (!outer) return;
  // A focus or scrollIntoView can scroll the output's own boxes (overflow: hidden, so never by
  // the wheel) and push the bar out of them: put them back.
  for (let node = view.el.parentElement; node && node !== outer; node = node.parentElement) {
    if (node.scrollTop) node.scrollTop = 0;
  }
  const box = view.root.getBoundingClientRect();
  const area = outer.getBoundingClientRect();
  if (box.top < area.top - 1 || box.bottom > area.bottom + 1) {
    const offset = box.height <= area.height ? box.top - area.top - (area.height - box.height) / 2 : box.top - area.top;
    outer.scrollTop += offset;
  }
}
