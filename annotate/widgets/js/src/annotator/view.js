// @ts-check
/**
 * The annotator's view: draws the article with every layer at once and turns mouse and keys
 * into messages. This file holds its state and layout; each job is a module beside it:
 * article.js (the text and the mouse on it), toolbar.js (bar, layers, legend, flag form),
 * panel.js (the selected span), versions.js (other versions of the article), keys.js,
 * actions.js and links.js (what keys and buttons do), time.js (time worked), layers.js (the
 * layer view), arcs.js (links drawn in the text), done.js (the done question), help.js (keys
 * and guidelines), jump.js and find.js (going to a document, finding text), focus.js (keys and
 * focus), switch.js (switching person), layout.js (the widget's size).
 *
 * The page is one screen: the bar and the messages above, the article and the panel below,
 * and only the article (and the panel) scroll; what the widget says is always in view.
 */
import { h } from "../common/dom.js";
import { nameForm } from "../common/forms.js";
import { ArticleView } from "../common/view.js";
import { drawArcs } from "./arcs.js";
import { applyMarks, onArticleClick, onArticleMouseUp, renderText } from "./article.js";
import { renderDone } from "./done.js";
import { findForm } from "./find.js";
import { pausedVeil, watchFocus } from "./focus.js";
import { renderHelp } from "./help.js";
import { jumpBox } from "./jump.js";
import { openNow, ownsKey, runKey } from "./keys.js";
import { ensureVisible, fit, watchSize } from "./layout.js";
import { renderPanel } from "./panel.js";
import { switchForm } from "./switch.js";
import { flushTime, tick } from "./time.js";
import { flagForm, renderBar, renderLayers, renderLegend } from "./toolbar.js";
import { renderVersions } from "./versions.js";

/** @typedef {import("../common/types.js").Model} Model */
/** @typedef {import("../common/types.js").Key} Key */
/** @typedef {import("../common/types.js").Extent} Extent */
/** @typedef {import("../common/view.js").Dirty} Dirty */
/** @typedef {import("./types.js").Span} Span */
/** @typedef {import("./types.js").Relation} Relation */
/** @typedef {import("./types.js").State} State */
/** @typedef {import("./types.js").DocEntry} DocEntry */
/** @typedef {import("./types.js").QueueView} QueueView */
/** @typedef {import("./types.js").Guidelines} Guidelines */
/** @typedef {import("./types.js").Shown} Shown */
/** @typedef {import("./types.js").Versions} Versions */
/** @typedef {import("./types.js").DiffView} DiffView */
/** @typedef {import("./types.js").Link} Link */

/** @param {string} placeholder @param {string} label */
function field(placeholder, label) {
  return /** @type {HTMLInputElement} */ (
    h("input", { attrs: { type: "text", placeholder, "aria-label": label, autocomplete: "off" } })
  );
}

export class AnnotatorView extends ArticleView {
  /**
   * @param {Model} model
   * @param {HTMLElement} el
   */
  constructor(model, el) {
    super(model, el, { testid: "annotator", label: "Annotator", cls: "an-root an-annotator" });
    /** The selected span. @type {string | null} */
    this.selected = null;
    /** @type {Link | null} */
    this.link = null;
    /** @type {Map<string, Span>} */
    this.spanById = new Map();
    this.elapsed = 0; // seconds worked on this document, not yet sent to Python
    this.lastInput = 0; // time counts from the first touch of this view, not from its drawing
    /** @type {HTMLElement | null} */
    this.timeEl = null;
    /** The version picked in the strip; null: the one Python suggests. @type {string | null} */
    this.versionPick = null;
    /** @type {DiffView | null} */
    this.diff = null;
    /** The document whose versions were asked for, so each is asked once. @type {string | null} */
    this.versionsAsked = null;
    /** What the last carry did, shown in the strip. @type {HTMLElement | null} */
    this.carryReport = null;
    // The layer view (layers.js): each layer's own setting, and the focus on the active one.
    /** @type {Map<string, Shown>} */
    this.layerShow = new Map();
    /** @type {"dim" | "hidden" | null} */
    this.focusMode = null;
    /** Every link drawn in the text (r), or only the selected span's. */
    this.allArcs = false;
    /** Filling the notebook panel (F). */
    this.full = false;
    /** The done question is open. */
    this.doneAsk = false;
    this.helpOpen = false;
    /** The keys were in this widget: a stray key is taken back (focus.js). */
    this.armed = false;
    /** @type {DocEntry[]} */
    this.jumpResults = [];
    this.jumpPick = 0;
    this.jumpTimer = 0;
    /** The text the listed results were found for ("" for the documents around). */
    this.jumpQuery = "";
    this.arcsFrame = 0;
    /** Where / last found something (UTF-16 offset), to go on from. @type {{doc: string, at: number} | null} */
    this.lastFound = null;
    /** What / selected, for the next label key (code points). @type {Extent} */
    this.found = null;
    /** Which attribute control has the keys (i), if any. @type {number | null} */
    this.attrFocus = null;

    this.layersBar = h("div", { cls: "an-layers" });
    this.legend = h("div", { cls: "an-legend" });
    this.versionsBar = h("div", {
      cls: "an-versions",
      attrs: { "data-testid": "versions", hidden: "", "aria-label": "Other versions" },
    });
    this.panel = h("aside", { cls: "an-panel" });
    this.messages = h("div", { cls: "an-messages", attrs: { "data-testid": "messages" } });
    this.flagInput = field("What is wrong with this document? (Enter saves, Esc cancels)", "Flag comment");
    this.flagBox = flagForm(this);
    this.findInput = field("words in the article", "Find in the article");
    this.findBox = findForm(this);
    this.switchInput = field("their name", "Name to annotate as");
    /** @type {HTMLElement} */
    this.switchAnswer = h("div");
    this.switchBox = switchForm(this);
    this.jumpInput = field("title, id or #number", "Find a document");
    this.jumpList = h("ul", { cls: "an-jump-list", attrs: { role: "listbox" } });
    this.jumpBox = jumpBox(this);
    this.doneBox = h("div", {
      cls: "an-done",
      attrs: { role: "alertdialog", "aria-label": "Mark done", "data-testid": "done-prompt", hidden: "" },
    });
    this.helpBox = h("div", {
      cls: "an-help-box",
      attrs: { role: "dialog", "aria-label": "Keys and guidelines", "data-testid": "help", hidden: "" },
    });
    this.veil = pausedVeil(this);
    this.arcsEl = /** @type {SVGSVGElement} */ (
      document.createElementNS("http://www.w3.org/2000/svg", "svg")
    );
    this.arcsEl.setAttribute("class", "an-arcs");
    this.arcsEl.setAttribute("aria-hidden", "true");
    // The text and the arcs over it scroll together; the text element holds only article text.
    this.scrollEl = h("div", { cls: "an-scroll" }, [this.textEl]);
    this.scrollEl.append(this.arcsEl);
    this.nameBox = nameForm("Who is annotating? Your work is saved under this name. ", (name) =>
      this.run(() => this.request("hello", { name }).then(() => this.root.focus({ preventScroll: true }))),
    );
    this.work.append(
      h("div", { cls: "an-head" }, [
        this.bar,
        this.flagBox,
        this.switchBox,
        this.layersBar,
        this.legend,
        this.versionsBar,
        this.findBox,
        this.messages,
      ]),
      h("div", { cls: "an-main" }, [
        this.article(),
        this.panel,
        this.doneBox,
        this.jumpBox,
        this.helpBox,
        this.veil,
      ]),
    );
    this.mount(this.nameBox, this.messages);
    this.listen(
      ["_doc", "_spans"],
      ["_relations", "_state", "_queue", "_versions", "layer", "_scheme", "_guidelines"],
      [
        [this.root, "pointerdown", () => this.touch()],
        [this.root, "pointermove", () => this.touch()],
        [this.root, "wheel", () => this.touch()],
      ],
    );
    this.cleanups.push(watchFocus(this), watchSize(this));
    const ticker = window.setInterval(() => tick(this), 1000);
    this.cleanups.push(() => window.clearInterval(ticker));
    // Time worked is sent before the view goes away, so closing the notebook loses none.
    this.cleanups.push(() => flushTime(this));
    this.flush();
  }

  // --- model access -------------------------------------------------------------------------
  /** @returns {Span[]} */
  get spans() {
    return this.model.get("_spans") ?? [];
  }
  /** @returns {Relation[]} */
  get relations() {
    return this.model.get("_relations") ?? [];
  }
  /** @returns {State} */
  get state() {
    return this.model.get("_state");
  }
  /** @returns {QueueView | undefined} */
  get queue() {
    return this.model.get("_queue");
  }
  /** @returns {Guidelines} */
  get guidelines() {
    return this.model.get("_guidelines") ?? { intro: "", layers: {} };
  }
  /** @returns {Versions | undefined} */
  get versions() {
    return this.model.get("_versions");
  }
  /** The active layer, the page's own state (kept in a trait for other views). @returns {string} */
  get layerName() {
    return this.model.get("layer");
  }
  /** @returns {Span | undefined} */
  get current() {
    return this.selected ? this.spanById.get(this.selected) : undefined;
  }

  /** The article, its title and metadata over the scrolling text. */
  article() {
    return h("article", { cls: "an-article" }, [this.titleEl, this.metaEl, this.scrollEl]);
  }

  // --- what ArticleView asks of a widget ------------------------------------------------------
  /** @param {Dirty} dirty */
  draw(dirty) {
    const noName = !this.state?.annotator;
    this.nameBox.hidden = !noName;
    this.work.hidden = noName;
    if (dirty.text) renderText(this);
    if (dirty.text || dirty.chrome) {
      // Never redraw a form field the annotator is typing in.
      if (!this.typingIn(this.bar)) renderBar(this);
      renderLayers(this);
      renderLegend(this);
      renderVersions(this);
      if (!noName && !this.root.dataset.layout) fit(this);
    }
    if (!this.typingIn(this.panel)) renderPanel(this);
    applyMarks(this);
    if (this.helpOpen) renderHelp(this);
    if (this.doneAsk) renderDone(this);
    drawArcs(this);
  }

  /** Arcs follow the words when the text reflows. */
  redrawArcs() {
    cancelAnimationFrame(this.arcsFrame);
    this.arcsFrame = requestAnimationFrame(() => drawArcs(this));
  }

  /** @param {KeyboardEvent} event */
  owns(event) {
    return ownsKey(this, event);
  }

  /** @param {KeyboardEvent} event */
  immediate(event) {
    return openNow(this, event);
  }

  /** @param {KeyboardEvent} event */
  native(event) {
    const target = /** @type {HTMLElement} */ (event.target);
    const control = target.closest(".an-attrs, .an-done, .an-help-box, .an-switch-answer");
    return Boolean(control) && ["Tab", "Enter", " ", "ArrowUp", "ArrowDown"].includes(event.key);
  }

  /** @param {Key} key @param {Extent} range */
  command(key, range) {
    ensureVisible(this);
    return runKey(this, key, range);
  }

  /** @param {MouseEvent} event */
  onClick(event) {
    onArticleClick(this, event);
    // JupyterLab may scroll the notebook to the clicked cell: the bar stays in sight.
    requestAnimationFrame(() => ensureVisible(this));
  }

  onMouseUp() {
    onArticleMouseUp(this);
  }

  /**
   * A message is where the annotator works: the widget scrolls into the notebook's view if the
   * bar and the messages were scrolled away, and the message flashes once.
   * @param {HTMLElement} box
   */
  announce(box) {
    box.classList.remove("an-new");
    void box.offsetWidth; // restart the animation
    box.classList.add("an-new");
    ensureVisible(this);
  }

  touch() {
    this.lastInput = Date.now();
  }

  leaving() {
    flushTime(this);
  }
}
