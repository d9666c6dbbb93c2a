// @ts-check
/**
 * The reviewer's view: draws the article with gold (agreed and decided spans) and every
 * annotator's version of each disagreement, and turns keys and clicks into decisions. This
 * file holds its state and layout; each job is a module beside it: article.js (the text and
 * the mouse on it), toolbar.js (bar and annotators), panel.js (the selected unit, span or
 * edit), keys.js and actions.js (what keys and buttons do).
 */
import { fillHelp, h } from "../common/dom.js";
import { nameForm } from "../common/forms.js";
import { ArticleView } from "../common/view.js";
import { applyMarks, onArticleClick, onArticleMouseUp, renderText } from "./article.js";
import { KEY_HELP, ownsKey, runKey } from "./keys.js";
import { renderPanel } from "./panel.js";
import { renderBar, renderLegend } from "./toolbar.js";

/** @typedef {import("../common/types.js").Model} Model */
/** @typedef {import("../common/types.js").Key} Key */
/** @typedef {import("../common/types.js").Extent} Extent */
/** @typedef {import("../common/view.js").Dirty} Dirty */
/** @typedef {import("./types.js").Span} Span */
/** @typedef {import("./types.js").Unit} Unit */
/** @typedef {import("./types.js").Relation} Relation */
/** @typedef {import("./types.js").State} State */
/** @typedef {import("./types.js").DocEntry} DocEntry */
/** @typedef {import("./types.js").Draft} Draft */

export class ReviewView extends ArticleView {
  /**
   * @param {Model} model
   * @param {HTMLElement} el
   */
  constructor(model, el) {
    super(model, el, { testid: "reviewer", label: "Reviewer", cls: "an-root rv-root" });
    /** The selected disagreement. @type {string | null} */
    this.unitId = null;
    /** The version of it last clicked or shown, an index into its versions. */
    this.focus = 0;
    /** A gold span selected outside any disagreement (an agreement). @type {string | null} */
    this.spanId = null;
    /** @type {Draft | null} */
    this.draft = null;
    /** @type {Map<string, Span>} */
    this.spanById = new Map();
    this.noteBox = h("div", { cls: "rv-note", attrs: { "data-testid": "note", hidden: "" } });
    this.legend = h("div", { cls: "an-legend rv-legend" });
    this.panel = h("aside", { cls: "an-panel rv-panel" });
    this.nameBox = nameForm("Who is reviewing? Only a registered reviewer can adjudicate. ", (name) =>
      this.run(() => this.request("hello", { name }).then(() => this.root.focus())),
    );
    fillHelp(this.help, KEY_HELP);
    this.work.append(
      this.bar,
      this.noteBox,
      this.legend,
      h("div", { cls: "an-main" }, [this.article(), this.panel]),
      this.help,
    );
    this.mount(this.nameBox);
    this.listen(["_doc", "_spans"], ["_units", "_relations", "_state", "_docs"]);
    this.flush();
  }

  // --- model access -------------------------------------------------------------------------
  /** @returns {Span[]} */
  get spans() {
    return this.model.get("_spans") ?? [];
  }
  /** @returns {Unit[]} */
  get units() {
    return this.model.get("_units") ?? [];
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
  /** @returns {Unit | undefined} */
  get unit() {
    return this.unitId ? this.units.find((u) => u.unit_id === this.unitId) : undefined;
  }
  /** @param {number} key */
  annotatorName(key) {
    return this.state?.annotators.find((a) => a.key === key)?.name;
  }

  // --- what ArticleView asks of a widget ------------------------------------------------------
  /** @param {Dirty} dirty */
  draw(dirty) {
    const noName = !this.state?.reviewer;
    this.nameBox.hidden = !noName;
    this.work.hidden = noName;
    if (this.unitId && !this.unit) this.unitId = null;
    if (this.draft && this.draft.unit !== this.unitId) this.draft = null;
    if (dirty.text) renderText(this);
    if (dirty.text || dirty.chrome) {
      // The jump list is not redrawn while it has focus: it would close under the pointer.
      if (!this.typingIn(this.bar)) renderBar(this);
      renderLegend(this);
    }
    renderPanel(this);
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
}
