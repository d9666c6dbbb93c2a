// @ts-check
/**
 * The annotator's view: draws the article with every layer at once and turns mouse and keys
 * into messages. This file holds its state and layout; each job is a module beside it:
 * article.js (the text and the mouse on it), toolbar.js (bar, layers, legend, flag form),
 * panel.js (the selected span), versions.js (other versions of the article), keys.js,
 * actions.js and links.js (what keys and buttons do), time.js (time worked).
 */
import { fillHelp, h } from "../common/dom.js";
import { nameForm } from "../common/forms.js";
import { ArticleView } from "../common/view.js";
import { applyMarks, onArticleClick, onArticleMouseUp, renderText } from "./article.js";
import { helpEntries, ownsKey, runKey } from "./keys.js";
import { renderPanel } from "./panel.js";
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
/** @typedef {import("./types.js").Versions} Versions */
/** @typedef {import("./types.js").DiffView} DiffView */
/** @typedef {import("./types.js").Link} Link */

export class AnnotatorView extends ArticleView {
  /**
   * @param {Model} model
   * @param {HTMLElement} el
   */
  constructor(model, el) {
    super(model, el, { testid: "annotator", label: "Annotator", cls: "an-root" });
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
    this.layersBar = h("div", { cls: "an-layers" });
    this.legend = h("div", { cls: "an-legend" });
    this.versionsBar = h("div", {
      cls: "an-versions",
      attrs: { "data-testid": "versions", hidden: "", "aria-label": "Other versions" },
    });
    this.panel = h("aside", { cls: "an-panel" });
    this.flagInput = /** @type {HTMLInputElement} */ (
      h("input", {
        attrs: {
          type: "text",
          placeholder: "What is wrong with this document? (Enter saves, Esc cancels)",
          "aria-label": "Flag comment",
        },
      })
    );
    this.flagBox = flagForm(this);
    this.nameBox = nameForm("Who is annotating? Your work is saved under this name. ", (name) =>
      this.run(() => this.request("hello", { name }).then(() => this.root.focus())),
    );
    fillHelp(this.help, helpEntries(this.scheme));
    this.work.append(
      this.bar,
      this.flagBox,
      this.layersBar,
      this.legend,
      this.versionsBar,
      h("div", { cls: "an-main" }, [this.article(), this.panel]),
      this.help,
    );
    this.mount(this.nameBox);
    this.listen(
      ["_doc", "_spans"],
      ["_relations", "_state", "_docs", "_versions", "layer", "_scheme"],
      [
        [this.root, "pointerdown", () => this.touch()],
        [this.root, "pointermove", () => this.touch()],
        [this.root, "wheel", () => this.touch()],
      ],
    );
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
  /** @returns {DocEntry[]} */
  get docs() {
    return this.model.get("_docs") ?? [];
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
    }
    if (!this.typingIn(this.panel)) renderPanel(this);
    applyMarks(this);
  }

  /** @param {KeyboardEvent} event */
  owns(event) {
    return ownsKey(this, event);
  }

  /** @param {Key} key @param {Extent} range */
  command(key, range) {
    return runKey(this, key, range);
  }

  /** @param {MouseEvent} event */
  onClick(event) {
    onArticleClick(this, event);
  }

  onMouseUp() {
    onArticleMouseUp(this);
  }

  touch() {
    this.lastInput = Date.now();
  }

  leaving() {
    flushTime(this);
  }
}
