// @ts-check
/**
 * The review widget's browser half: draws the article with gold (agreed and decided spans) and
 * every annotator's version of each disagreement, and turns keys and clicks into decisions.
 * It decides nothing itself: Python checks each message, writes gold through the store and
 * sends back the views to draw, so the page always shows what was saved.
 *
 * Article text, titles and attribute values reach the page through textContent,
 * createTextNode or form values only, never as markup.
 *
 * One file, because anywidget loads it from a string (relative imports would need a bundler).
 * The helpers at the top are the annotator's (static/annotator.js) in small: element creation,
 * code-point offsets, word boundaries and the layered drawing of spans. The look comes from
 * the annotator's stylesheet, which the Python side loads before review.css.
 */

/** @typedef {{name: string, key: string, color: string, description: string}} Label */
/**
 * @typedef {{name: string, key: string, style: string, nesting: boolean, labels: Label[],
 *   description: string}} Layer
 */
/** @typedef {{name: string, layers: Layer[], relations: {name: string, head: string, tail: string}[]}} Scheme */
/**
 * A drawn span: a gold span (`agreed` by everyone or `gold`, decided by the reviewer), one
 * version of an open disagreement (`disputed`), or the reviewer's edit in progress (`draft`).
 * @typedef {{id: string, layer: string, label: string, start: number, end: number, text: string,
 *   status: "agreed" | "gold" | "disputed" | "draft", annotators: string[], unit: string | null,
 *   decision: string | null, by: string | null, chosen: string | null,
 *   attrs: Record<string, any>, keys: number[]}} Span
 */
/**
 * @typedef {{label: string, start: number, end: number, text: string, attrs: Record<string, any>,
 *   annotators: string[], keys: number[], span_id: string}} Version
 */
/**
 * @typedef {{unit_id: string, layer: string, start: number, end: number, text: string,
 *   reason: string, missing: string[], state: string, chosen: string | null, by: string | null,
 *   decision_id: string | null, gold: string[], versions: Version[]}} Unit
 */
/** @typedef {{id: string, type: string, head: string, tail: string}} Relation */
/**
 * @typedef {{doc_id: string, index: number, count: number, title: string | null,
 *   published: string | null, source: string | null, byline: string | null, text: string,
 *   sha256: string, tokens: number[]}} Doc
 */
/**
 * @typedef {{reviewer: string, annotators: {name: string, key: number}[], status: string | null,
 *   progress: {open: number, disagreements: number, adjudicated: number, documents: number},
 *   can_undo: boolean, notice: string | null, note: string | null}} State
 */
/** @typedef {{doc_id: string, title: string, status: string | null, annotators: number}} DocEntry */
/**
 * The part of anywidget's model this module uses.
 * @typedef {{
 *   get: (name: string) => any,
 *   on: (event: string, callback: (...args: any[]) => void) => void,
 *   off: (event: string, callback: (...args: any[]) => void) => void,
 *   send: (content: any) => void,
 * }} Model
 */
/** @typedef {{kind: string, id?: string, error?: string, code?: string, [field: string]: any}} Reply */
/** @typedef {{key: string, shift: boolean, alt: boolean, ctrl: boolean}} Key */
/** @typedef {[number, number] | null} Extent */
/** @typedef {{unit: string, layer: string, label: string, start: number, end: number, base: number | null, seen: string | null}} Draft */

/** Drawn statuses onto the annotator's solid (decided) and dashed (undecided) styles. */
const STATUS_CLASS = {
  agreed: "an-accepted rv-agreed",
  gold: "an-accepted rv-gold",
  disputed: "an-suggested rv-disputed",
  draft: "an-accepted rv-draft",
};
/** @type {Record<string, string>} */
const STATE_TEXT = { open: "open", picked: "picked", edited: "edited", rejected: "rejected" };
const COMMAND_KEYS = new Set(
  ["Tab", "Enter", "x", "Delete", "Backspace", "e", "u", "j", "k", "n", "p", "g", "d", "?", "Escape"],
);

/** The widget's own keys, as the help list shows them. */
const KEY_HELP = [
  ["Tab / Shift+Tab", "next / previous open disagreement"],
  ["j / k", "next / previous disagreement, decided ones too"],
  ["1 … 9", "take that annotator's version (numbers before the names above)"],
  ["Enter", "take the version you clicked"],
  ["x, Delete", "reject: nothing of this unit goes into gold"],
  ["e", "edit: start from the version shown (or the selected text), then"],
  ["   label keys, Shift/Alt+← →", "   change the label, move the end / start by a word,"],
  ["   select text", "   or set the extent with the mouse; Enter saves, Esc cancels"],
  ["u (Ctrl+Z)", "undo the last decision"],
  ["d", "mark the gold document done and open the next one"],
  ["n / p / g", "next / previous document / jump to one"],
  ["click", "a span selects its unit; again: the next span out, where spans overlap"],
  ["Esc", "clear the selection and messages"],
];





/** Why a unit is a disagreement, as `adjudicate.Unit.reason` names it, in words. @param {string} reason */
function reasonText(reason) {
  /** @type {Record<string, string>} */
  const words = { missing: "whether it is there", label: "the label", boundaries: "the extent", attributes: "the attributes" };
  return reason.split("+").map((part) => words[part] ?? part).join(" and ");
}

/** @param {Record<string, any>} attrs */
function attrText(attrs) {
  return Object.entries(attrs)
    .map(([name, value]) => `${name}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ");
}




class ReviewView extends ArticleView {
  /**
   * @param {Model} model
   * @param {HTMLElement} el
   */
  constructor(model, el) {
    super();
    this.model = model;
    this.el = el;
    this.viewId = Math.random().toString(36).slice(2, 8);
    this.nextId = 1;
    /** @type {Map<string, {resolve: (reply: Reply | null) => void, timer: number}>} */
    this.pending = new Map();
    /** Commands run one after another, see run(). @type {Promise<void>} */
    this.chain = Promise.resolve();
    /** The selected disagreement. @type {string | null} */
    this.unitId = null;
    /** The version of it last clicked or shown, an index into its versions. */
    this.focus = 0;
    /** A gold span selected outside any disagreement (an agreement). @type {string | null} */
    this.spanId = null;
    /** @type {Draft | null} */
    this.draft = null;
    /** @type {string | null} */
    this.error = null;
    /** @type {Map<string, Span>} */
    this.spanById = new Map();
    /** @type {Map<string, HTMLElement[]>} */
    this.fragments = new Map();
    /** @type {HTMLElement[]} */
    this.marked = [];
    this.offsets = new Offsets("");
    this.tokens = new Tokens([]);
    this.dirty = { text: true, chrome: true };
    this.scheduled = false;
    /** @type {(() => void)[]} */
    this.cleanups = [];
    /** @type {HTMLSelectElement | null} */
    this.jump = null;
    /** @type {HTMLElement | null} */
    this.saveEl = null;
    this.root = h("div", {
      cls: "an-root rv-root",
      attrs: {
        "data-testid": "reviewer",
        tabindex: "0",
        // JupyterLab handles its shortcuts before the widget sees a key; this attribute makes
        // it leave keys pressed inside the widget alone (no new cells on a, b, m).
        "data-lm-suppress-shortcuts": "true",
        role: "application",
        "aria-label": "Reviewer",
      },
    });
    this.bar = h("div", { cls: "an-bar" });
    this.errorBox = h("div", { cls: "an-error", attrs: { role: "alert", hidden: "" } });
    this.noticeBox = h("div", { cls: "an-notice", attrs: { "aria-live": "polite" } });
    this.noteBox = h("div", { cls: "rv-note", attrs: { "data-testid": "note", hidden: "" } });
    this.legend = h("div", { cls: "an-legend rv-legend" });
    this.titleEl = h("h3", { cls: "an-title" });
    this.metaEl = h("div", { cls: "an-meta" });
    this.textEl = h("div", { cls: "an-text" });
    this.panel = h("aside", { cls: "an-panel rv-panel" });
    this.help = /** @type {HTMLDetailsElement} */ (h("details", { cls: "an-help" }));
    this.work = h("div", { cls: "an-work" });
    this.nameBox = this.nameForm();
    this.build();
    this.listen();
    this.flush();
  }

  // --- model access -------------------------------------------------------------------------
  /** @returns {Scheme} */
  get scheme() {
    return this.model.get("_scheme");
  }
  /** @returns {Doc} */
  get doc() {
    return this.model.get("_doc");
  }
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
  /** @param {Layer} layer @param {number} index */
  static labelKey(layer, index) {
    return layer.labels[index].key || String((index + 1) % 10);
  }
  /** @param {number} key */
  annotatorName(key) {
    return this.state?.annotators.find((a) => a.key === key)?.name;
  }

  // --- talking to Python --------------------------------------------------------------------
  /**
   * Send one message and wait for its reply. A refusal or failure is shown to the reviewer
   * and resolves to null, so callers only handle success.
   * @param {string} kind
   * @param {Record<string, any>} [fields]
   * @returns {Promise<Reply | null>}
   */
  request(kind, fields = {}) {
    const id = `${this.viewId}-${this.nextId++}`;
    return new Promise((resolve) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        this.showError(
          `No answer from the kernel for ${REPLY_TIMEOUT_MS / 1000} s: "${kind}" may not be ` +
            "saved. Is the kernel busy or stopped? Re-run the cell to reconnect.",
        );
        resolve(null);
      }, REPLY_TIMEOUT_MS);
      this.pending.set(id, { resolve, timer });
      this.renderSaveState();
      this.model.send({ kind, id, ...fields });
    });
  }

  /** @param {Reply} reply */
  onReply(reply) {
    if (!reply || typeof reply.id !== "string") return;
    const waiting = this.pending.get(reply.id);
    if (!waiting) return; // another view's message, or one given up on
    this.pending.delete(reply.id);
    window.clearTimeout(waiting.timer);
    if (reply.error) this.showError(reply.error);
    else if (this.error) this.clearError(); // the last action was saved: the page is in step
    waiting.resolve(reply.error ? null : reply);
    this.renderSaveState();
  }

  // --- the page skeleton, built once ----------------------------------------------------------
  build() {
    const help = KEY_HELP.flatMap(([key, what]) => [h("dt", { text: key }), h("dd", { text: what })]);
    this.help.append(h("summary", { text: "Keys (?)" }), h("dl", {}, help));
    this.work.append(
      this.bar,
      this.noteBox,
      this.legend,
      h("div", { cls: "an-main" }, [
        h("article", { cls: "an-article" }, [this.titleEl, this.metaEl, this.textEl]),
        this.panel,
      ]),
      this.help,
    );
    this.root.append(this.errorBox, this.noticeBox, this.nameBox, this.work);
    this.el.append(this.root);
  }

  nameForm() {
    const input = /** @type {HTMLInputElement} */ (
      h("input", { attrs: { type: "text", placeholder: "your name", "aria-label": "Your name" } })
    );
    const form = h("form", { cls: "an-name" }, [
      h("label", { text: "Who is reviewing? Only a registered reviewer can adjudicate. " }),
      input,
      h("button", { cls: "an-button", text: "Start", attrs: { type: "submit" } }),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const name = input.value.trim();
      if (name) this.run(() => this.request("hello", { name }).then(() => this.root.focus()));
    });
    return form;
  }

  // --- listeners, each registered with its cleanup -------------------------------------------
  listen() {
    const model = this.model;
    const onText = () => this.markDirty("text");
    const onChrome = () => this.markDirty("chrome");
    const textTraits = ["change:_doc", "change:_spans"];
    const chromeTraits = ["change:_units", "change:_relations", "change:_state", "change:_docs"];
    /** @param {any} content */
    const onMessage = (content) => this.onReply(content);
    for (const name of textTraits) model.on(name, onText);
    for (const name of chromeTraits) model.on(name, onChrome);
    model.on("msg:custom", onMessage);
    this.cleanups.push(() => {
      for (const name of textTraits) model.off(name, onText);
      for (const name of chromeTraits) model.off(name, onChrome);
      model.off("msg:custom", onMessage);
    });
    /** @type {[EventTarget, string, (event: any) => void][]} */
    const handlers = [
      [this.root, "keydown", (event) => this.onKey(event)],
      [this.textEl, "click", (event) => this.onClick(event)],
      [this.textEl, "mouseup", () => this.onMouseUp()],
    ];
    for (const [target, type, handler] of handlers) {
      target.addEventListener(type, handler);
      this.cleanups.push(() => target.removeEventListener(type, handler));
    }
  }

  flush() {
    const focused = document.activeElement;
    const hadFocus = this.root.contains(focused);
    const noName = !this.state?.reviewer;
    this.nameBox.hidden = !noName;
    this.work.hidden = noName;
    if (this.unitId && !this.unit) this.unitId = null;
    if (this.draft && this.draft.unit !== this.unitId) this.draft = null;
    if (this.dirty.text) this.renderText();
    if (this.dirty.text || this.dirty.chrome) {
      // The jump list is not redrawn while it has focus: it would close under the pointer.
      if (!(focused === this.jump && this.jump)) this.renderBar();
      this.renderLegend();
    }
    this.dirty = { text: false, chrome: false };
    this.renderPanel();
    this.applyMarks();
    this.renderSaveState();
    if (hadFocus && !this.root.contains(document.activeElement)) {
      this.root.focus({ preventScroll: true });
    }
  }

  // --- drawing the article -------------------------------------------------------------------
  /** The spans to draw: what Python sent, and the reviewer's edit in progress. */
  drawn() {
    const spans = [...this.spans];
    const d = this.draft;
    if (d) {
      spans.push({
        id: "draft", layer: d.layer, label: d.label, start: d.start, end: d.end,
        text: this.slice(d.start, d.end), status: "draft", annotators: [], unit: d.unit,
        decision: null, by: null, chosen: null, attrs: {}, keys: [],
      });
    }
    return spans;
  }

  /** @param {number} start @param {number} end */
  slice(start, end) {
    return this.doc.text.slice(this.offsets.toU16(start), this.offsets.toU16(end));
  }

  renderText() {
    const doc = this.doc;
    const spans = this.drawn();
    this.spanById = new Map(spans.map((s) => [s.id, s]));
    if (this.spanId && !this.spanById.has(this.spanId)) this.spanId = null;
    const changedDoc = this.root.dataset.docId !== doc.doc_id;
    this.root.dataset.docId = doc.doc_id;
    if (changedDoc) {
      this.unitId = null;
      this.draft = null;
    }
    this.titleEl.textContent = doc.title || "(no title)";
    this.titleEl.classList.toggle("an-untitled", !doc.title);
    this.metaEl.textContent = [doc.published, doc.source, doc.byline].filter(Boolean).join(" · ");
    this.offsets = new Offsets(doc.text);
    this.tokens = new Tokens(doc.tokens);
    const scroll = changedDoc ? 0 : this.textEl.scrollTop;
    this.textEl.replaceChildren(this.drawSegments(doc.text, spans));
    this.textEl.scrollTop = scroll;
    this.root.dataset.renderedSpans = String(spans.length);
  }

  /**
   * Cut the text at every span boundary; each piece nests one element per span covering it,
   * outermost layer style first (as the annotator draws). Only text nodes hold text, so the
   * text before any point is the document's, and selections map back to offsets.
   * @param {string} text
   * @param {Span[]} spans
   */
  drawSegments(text, spans) {
    const out = document.createDocumentFragment();
    /** @type {Map<string, HTMLElement[]>} */
    const fragments = new Map();
    const nChars = this.offsets.toCp(text.length);
    const cuts = new Set([0, nChars]);
    for (const span of spans) {
      cuts.add(Math.max(0, Math.min(nChars, span.start)));
      cuts.add(Math.max(0, Math.min(nChars, span.end)));
    }
    const points = [...cuts].sort((a, b) => a - b);
    const byStart = [...spans].sort((a, b) => a.start - b.start);
    /** @type {Record<string, number>} */
    const rankOf = {};
    for (const layer of this.scheme.layers) {
      rankOf[layer.name] = STYLE_RANK[/** @type {keyof STYLE_RANK} */ (layer.style)] ?? 3;
    }
    /** @param {Span} x @param {Span} y */
    const outerFirst = (x, y) =>
      (rankOf[x.layer] ?? 3) - (rankOf[y.layer] ?? 3) ||
      y.end - y.start - (x.end - x.start) ||
      x.start - y.start;
    /** @type {Span[]} */
    let active = [];
    let next = 0;
    for (let p = 0; p + 1 < points.length; p += 1) {
      const a = points[p];
      const b = points[p + 1];
      active = active.filter((s) => s.end > a);
      for (; next < byStart.length && byStart[next].start <= a; next += 1) {
        if (byStart[next].end > a) active.push(byStart[next]);
      }
      const segment = h("span", { cls: "an-seg" });
      let parent = segment;
      /** @type {Record<string, number>} */
      const depth = {};
      for (const span of active.filter((s) => s.start <= a && s.end >= b).sort(outerFirst)) {
        const node = this.drawSpan(span, a, b);
        depth[span.layer] = (depth[span.layer] ?? -1) + 1;
        if (depth[span.layer]) node.style.setProperty("--d", String(depth[span.layer]));
        parent.append(node);
        parent = node;
        const list = fragments.get(span.id);
        if (list) list.push(node);
        else fragments.set(span.id, [node]);
      }
      parent.append(document.createTextNode(text.slice(this.offsets.toU16(a), this.offsets.toU16(b))));
      out.append(segment);
    }
    this.fragments = fragments;
    return out;
  }

  /**
   * The element for the piece [a, b) of a span, with the hooks tests and styles rely on.
   * @param {Span} span @param {number} a @param {number} b
   */
  drawSpan(span, a, b) {
    const style = this.layer(span.layer)?.style ?? "highlight";
    const edges = (span.start === a ? " an-first" : "") + (span.end === b ? " an-last" : "");
    const who = span.annotators.join(" ");
    const said = {
      agreed: `agreed by ${span.annotators.join(", ")}`,
      gold: `gold: ${span.decision ?? "decided"}${span.chosen ? ` (${span.chosen})` : ""} by ${span.by ?? "?"}`,
      disputed: `${span.annotators.join(", ")}'s version (press ${span.keys.join(" or ")})`,
      draft: "your edit: Enter saves, Esc cancels",
    }[span.status];
    const node = h("span", {
      cls: `an-span an-${style} ${STATUS_CLASS[span.status]}${edges}`,
      attrs: {
        "data-span-id": span.id,
        "data-layer": span.layer,
        "data-label": span.label,
        "data-status": span.status,
        "data-annotator": who,
        // Drawn by CSS (::after), never as text, so offsets stay the document's.
        "data-keys": span.keys.join(","),
      },
      title: `${span.layer} ${span.label} · ${said}`,
    });
    if (span.unit) node.dataset.unitId = span.unit;
    node.style.setProperty("--c", this.color(span.layer, span.label));
    return node;
  }

  /** The selected unit's spans and the focused version: classes only, no redraw. */
  applyMarks() {
    for (const node of this.marked) {
      node.classList.remove("an-selected", "an-related", "rv-focus", "rv-in-unit");
    }
    this.marked = [];
    /** @param {string} id @param {string} cls */
    const add = (id, cls) => {
      for (const node of this.fragments.get(id) ?? []) {
        node.classList.add(cls);
        this.marked.push(node);
      }
    };
    const unit = this.unit;
    if (unit) {
      // Versions of one unit nest and overlap: outlining each would pile frames on frames,
      // so the unit is underlined and only the version in focus is framed.
      for (const span of this.spanById.values()) {
        if (span.unit !== unit.unit_id || span.status === "draft") continue;
        add(span.id, span.status === "disputed" ? "rv-in-unit" : "an-selected");
      }
      const version = unit.versions[this.focus];
      if (version && unit.state === "open" && !this.draft) add(version.span_id, "rv-focus");
    }
    if (this.spanId) {
      add(this.spanId, "an-selected");
      for (const r of this.relations) {
        if (r.head === this.spanId) add(r.tail, "an-related");
        if (r.tail === this.spanId) add(r.head, "an-related");
      }
    }
    this.root.classList.toggle("rv-editing", Boolean(this.draft));
  }

  // --- toolbar, annotators, notes --------------------------------------------------------------
  renderBar() {
    const state = this.state;
    const doc = this.doc;
    if (!state || !doc) return;
    const jump = /** @type {HTMLSelectElement} */ (
      h("select", { cls: "an-jump", attrs: { "aria-label": "Jump to document", title: "g" } })
    );
    this.docs.forEach((entry, index) => {
      const mark = entry.status === "done" ? " ✓" : "";
      const label = `${index + 1}. ${entry.title}${mark} (${entry.annotators} annotators)`;
      const option = /** @type {HTMLOptionElement} */ (
        h("option", { text: label, attrs: { value: entry.doc_id } })
      );
      option.selected = entry.doc_id === doc.doc_id;
      jump.append(option);
    });
    jump.addEventListener("change", () => this.run(() => this.go(jump.value)));
    this.jump = jump;
    const p = state.progress;
    const done = state.status === "done";
    const undo = button("↶ Undo", "undo the last decision (u or Ctrl+Z)", () => this.run(() => this.undo()));
    undo.disabled = !state.can_undo;
    const finish = button("✓ Gold done", "mark the gold document done and open the next (d)", () =>
      this.run(() => this.setDone()),
    );
    finish.disabled = done;
    this.saveEl = h("span", { cls: "an-save", attrs: { "data-testid": "save-state" } });
    const progress =
      `${p.open} open of ${p.disagreements} disagreement${p.disagreements === 1 ? "" : "s"}` +
      ` · ${p.adjudicated} of ${p.documents} documents adjudicated`;
    this.bar.replaceChildren(
      h("div", { cls: "an-nav" }, [
        button("◀", "previous document (p)", () => this.run(() => this.go("previous"))),
        h("span", { cls: "an-pos", text: `${doc.index + 1} / ${doc.count}` }),
        button("▶", "next document (n)", () => this.run(() => this.go("next"))),
        jump,
      ]),
      h("div", { cls: "an-status" }, [
        h("span", {
          cls: `an-badge an-badge-${done ? "done" : "open"}`,
          text: done ? "✓ gold done" : "gold open",
          attrs: { "data-testid": "doc-status" },
        }),
        finish,
        done ? button("Reopen", "clear the done status", () => this.run(() => this.reopen())) : null,
      ]),
      h("div", { cls: "an-edit" }, [undo]),
      h("div", { cls: "an-facts" }, [
        h("span", { cls: "an-progress", text: progress, attrs: { "data-testid": "progress" } }),
        h("span", { cls: "an-who", text: state.reviewer, title: "reviewing as" }),
        this.saveEl,
      ]),
    );
    const notes = [state.notice, state.note].filter(Boolean).join("\n");
    this.noteBox.textContent = notes;
    this.noteBox.hidden = !notes;
  }

  renderLegend() {
    const state = this.state;
    if (!state) return;
    const people = state.annotators.map((a) =>
      h("span", { cls: "rv-person", attrs: { "data-annotator": a.name } }, [
        h("kbd", { text: String(a.key) }),
        ` ${a.name}`,
      ]),
    );
    this.legend.replaceChildren(
      h("span", { cls: "an-hint", text: "Annotators:" }),
      ...people,
      h("span", { cls: "an-hint an-key-solid", text: "solid: gold" }),
      h("span", { cls: "an-hint an-key-dashed", text: "dashed: disputed (numbers: who)" }),
      h("span", { cls: "an-hint rv-key-gold", text: "✓ decided by a reviewer" }),
    );
  }

  renderSaveState() {
    if (!this.saveEl) return;
    const state = this.error ? "error" : this.pending.size ? "saving" : "saved";
    this.saveEl.textContent = { error: "not saved", saving: "saving…", saved: "saved" }[state];
    this.saveEl.dataset.state = state;
  }

  // --- the side panel ------------------------------------------------------------------------
  renderPanel() {
    if (!this.state || !this.doc) return;
    const unit = this.unit;
    if (unit && this.draft) this.panel.replaceChildren(...this.panelDraft(unit, this.draft));
    else if (unit) this.panel.replaceChildren(...this.panelUnit(unit));
    else if (this.spanId && this.spanById.has(this.spanId)) {
      this.panel.replaceChildren(...this.panelSpan(/** @type {Span} */ (this.spanById.get(this.spanId))));
    } else this.panel.replaceChildren(...this.panelOverview());
  }

  /** Every annotator's version of the unit, one row each: the choice side by side. @param {Unit} unit */
  panelUnit(unit) {
    const state = unit.state;
    const decided = state !== "open";
    const decision = decided
      ? `${STATE_TEXT[state] ?? state}${unit.chosen ? ` (${unit.chosen})` : ""} by ${unit.by ?? "?"}`
      : "open: pick a version, edit or reject";
    const rows = this.state.annotators.map((person) => {
      const mine = unit.versions.filter((v) => v.annotators.includes(person.name));
      const chosen = decided && unit.chosen === person.name;
      const row = h("div", {
        cls: `rv-version${chosen ? " rv-chosen" : ""}`,
        attrs: { "data-testid": "version", "data-annotator": person.name },
      });
      row.append(
        button(`${person.key}`, `take ${person.name}'s version (${person.key})`, () =>
          this.run(() => this.pick(person.key)),
        "an-mini rv-pick"),
        h("strong", { text: ` ${person.name} ` }),
      );
      if (!mine.length) row.append(h("em", { cls: "an-hint", text: "marked nothing here" }));
      for (const version of mine) {
        const focused = unit.versions.indexOf(version) === this.focus && !decided;
        const swatch = h("span", { cls: "an-chip rv-label", text: version.label });
        swatch.style.setProperty("--c", this.color(unit.layer, version.label));
        const item = h("span", { cls: `rv-choice${focused ? " rv-focused" : ""}` }, [
          swatch,
          h("span", { cls: "rv-choice-text", text: ` “${clip(version.text, 80)}”` }),
        ]);
        const attrs = attrText(version.attrs);
        if (attrs) item.append(h("span", { cls: "an-hint", text: ` ${attrs}` }));
        row.append(item);
      }
      return row;
    });
    return [
      h("div", { cls: "an-panel-head" }, [
        h("span", { cls: "an-chip", text: unit.layer }),
        h("span", { cls: "an-hint", text: ` the annotators differ on ${reasonText(unit.reason)}` }),
      ]),
      h("div", {
        cls: `rv-state rv-state-${state}`,
        text: decision,
        attrs: { "data-testid": "unit-state" },
      }),
      h("blockquote", { cls: "an-quote", text: clip(unit.text, 300) }),
      h("div", { cls: "rv-versions" }, rows),
      h("div", { cls: "an-row" }, [
        button("Reject", "nothing of this unit goes into gold (x)", () => this.run(() => this.reject()), "an-danger"),
        button("Edit…", "write your own span (e)", () => this.run(() => this.startEdit(null))),
      ]),
      h("p", { cls: "an-hint", text: "Number: take that version · e edit · x reject · Tab next · u undo" }),
    ];
  }

  /** @param {Unit} unit @param {Draft} draft */
  panelDraft(unit, draft) {
    const layer = this.layer(unit.layer);
    const labels = (layer?.labels ?? []).map((label, index) =>
      button(
        `${ReviewView.labelKey(/** @type {Layer} */ (layer), index)} ${label.name}`,
        "use this label",
        () => this.run(() => this.setDraftLabel(label.name)),
        label.name === draft.label ? "an-on" : "",
      ),
    );
    return [
      h("div", { cls: "an-panel-head" }, [
        h("span", { cls: "an-chip", text: unit.layer }),
        h("strong", { text: " Your edit" }),
      ]),
      h("blockquote", { cls: "an-quote", attrs: { "data-testid": "draft" }, text: clip(this.slice(draft.start, draft.end), 300) }),
      h("div", { cls: "an-row an-labels" }, [h("span", { cls: "an-hint", text: "Label:" }), ...labels]),
      h("div", { cls: "an-row" }, [
        button("Save", "Enter", () => this.run(() => this.saveDraft()), "an-primary"),
        button("Cancel", "Esc", () => this.run(() => this.cancelDraft())),
      ]),
      h("p", { cls: "an-hint", text: "Shift+←/→ moves the end, Alt+←/→ the start; or select the text with the mouse." }),
    ];
  }

  /** An agreement (or a gold span no open unit explains), with its gold links. @param {Span} span */
  panelSpan(span) {
    const how =
      span.status === "agreed"
        ? `agreed by ${span.annotators.join(", ")}, accepted automatically`
        : `${span.decision ?? "in gold"}${span.chosen ? ` (${span.chosen})` : ""} by ${span.by ?? "?"}`;
    const links = this.relations
      .filter((r) => r.head === span.id || r.tail === span.id)
      .map((r) => {
        const other = this.spanById.get(r.head === span.id ? r.tail : r.head);
        const arrow = r.head === span.id ? `${r.type} →` : `← ${r.type}`;
        return h("li", { text: `${arrow} “${clip(other?.text ?? "?", 40)}”` });
      });
    const attrs = attrText(span.attrs);
    return [
      h("div", { cls: "an-panel-head" }, [
        h("span", { cls: "an-chip", text: span.layer }),
        h("strong", { text: ` ${span.label} ` }),
        h("span", { cls: "an-hint", text: how }),
      ]),
      h("blockquote", { cls: "an-quote", text: clip(span.text, 300) }),
      attrs ? h("p", { cls: "an-hint", text: attrs }) : null,
      links.length ? h("ul", { cls: "an-counts rv-links" }, links) : null,
    ].filter((node) => node !== null);
  }

  panelOverview() {
    const agreed = this.spans.filter((s) => s.status === "agreed").length;
    const items = this.units.map((unit) => {
      const item = h("li", { cls: `rv-unit rv-state-${unit.state}` }, [
        h("span", { cls: "an-chip", text: unit.layer }),
        ` “${clip(unit.text, 36)}” `,
        h("span", { cls: "an-hint", text: STATE_TEXT[unit.state] ?? unit.state }),
      ]);
      item.addEventListener("click", () => this.run(() => this.select(unit.unit_id)));
      return item;
    });
    return [
      h("p", { cls: "an-hint", text: `${agreed} agreement(s) are in gold already. Tab goes to the first open disagreement.` }),
      items.length ? h("ul", { cls: "rv-units" }, items) : h("p", { text: "No disagreements here." }),
    ];
  }

  // --- input ---------------------------------------------------------------------------------
  /** @param {MouseEvent} event */
  onClick(event) {
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed) return; // a drag that selected text, not a click
    /** @type {string[]} */
    const chain = [];
    for (let node = /** @type {Element | null} */ (event.target); node && node !== this.textEl; node = node.parentElement) {
      const id = node.getAttribute("data-span-id");
      if (id && id !== "draft") chain.push(id);
    }
    this.run(() => this.clicked(chain));
  }

  /** @param {string[]} chain span ids under the pointer, innermost first */
  clicked(chain) {
    if (this.draft) return undefined; // the mouse sets the draft's extent by selecting text
    if (!chain.length) return this.select(null);
    // Each click on the same place goes one span further out, so every span there is reached.
    const current = this.unit ? this.unit.versions[this.focus]?.span_id ?? this.unit.gold[0] : this.spanId;
    const here = current ? chain.indexOf(current) : -1;
    const id = chain[(here + 1) % chain.length];
    const span = this.spanById.get(id);
    if (!span) return undefined;
    const unit = span.unit ? this.units.find((u) => u.unit_id === span.unit) : undefined;
    if (!unit) {
      this.unitId = null;
      this.spanId = id;
      this.flush();
      return undefined;
    }
    const index = unit.versions.findIndex((v) => v.span_id === id);
    return this.select(unit.unit_id, index >= 0 ? index : 0);
  }

  onMouseUp() {
    const range = this.selectionRange();
    if (!range) return;
    if (this.draft) {
      this.run(() => this.setDraftExtent(range));
    } else if (this.unit) {
      this.say(`“${clip(this.slice(range[0], range[1]), 60)}”: press e to write it as this unit's span.`);
    }
  }

  /** Whether a key is the widget's, decided at once (the command itself waits its turn). @param {KeyboardEvent} event */
  owns(event) {
    const key = event.key;
    if (event.ctrlKey || event.metaKey) return key.toLowerCase() === "z" && !event.shiftKey;
    if (!this.state?.reviewer) return false;
    if (key === "ArrowLeft" || key === "ArrowRight") return Boolean(this.draft) && (event.altKey || event.shiftKey);
    if (event.altKey) return false;
    if (COMMAND_KEYS.has(key) || /^[1-9]$/.test(key)) return true;
    const layer = this.draft ? this.layer(this.draft.layer) : undefined;
    return Boolean(layer?.labels.some((_, i) => ReviewView.labelKey(layer, i) === key));
  }

  /** @param {KeyboardEvent} event */
  onKey(event) {
    const target = /** @type {HTMLElement} */ (event.target);
    if (target !== this.root && target.matches("input, textarea, select")) {
      if (event.key === "Escape") {
        event.preventDefault();
        this.root.focus();
      }
      return; // typing in a form field
    }
    if (!this.owns(event)) return;
    event.preventDefault();
    event.stopPropagation();
    /** @type {Key} */
    const key = { key: event.key, shift: event.shiftKey, alt: event.altKey, ctrl: event.ctrlKey || event.metaKey };
    const range = this.selectionRange(); // taken now: a redraw would clear the selection
    this.run(() => this.command(key, range));
  }

  /**
   * What a key does, decided when its turn comes (after every earlier command's reply).
   * @param {Key} k
   * @param {Extent} range the text selection when the key was pressed
   */
  command(k, range) {
    const key = k.key;
    if (k.ctrl) return this.undo();
    if (this.draft) return this.draftCommand(k);
    if (key === "Escape") {
      this.clearError();
      this.say(null);
      window.getSelection()?.removeAllRanges();
      return this.select(null);
    }
    if (/^[1-9]$/.test(key)) return this.pick(Number(key));
    switch (key) {
      case "Tab":
        return this.cycle(k.shift ? -1 : 1, true);
      case "j":
        return this.cycle(1, false);
      case "k":
        return this.cycle(-1, false);
      case "Enter": {
        const version = this.unit?.versions[this.focus];
        return version ? this.pick(version.keys[0]) : this.cycle(1, true);
      }
      case "x":
      case "Delete":
      case "Backspace":
        return this.reject();
      case "e":
        return this.startEdit(range);
      case "u":
        return this.undo();
      case "d":
        return this.setDone();
      case "n":
        return this.go("next");
      case "p":
        return this.go("previous");
      case "g":
        return this.jump?.focus();
      case "?":
        this.help.open = !this.help.open;
        return undefined;
      default:
        return undefined;
    }
  }

  /** Keys while editing a unit's span. @param {Key} k */
  draftCommand(k) {
    const draft = /** @type {Draft} */ (this.draft);
    const key = k.key;
    if (key === "Escape") return this.cancelDraft();
    if (key === "Enter") return this.saveDraft();
    if (key === "ArrowLeft" || key === "ArrowRight") {
      const moved = this.tokens.move(draft.start, draft.end, k.alt ? "start" : "end", key === "ArrowLeft" ? -1 : 1);
      return moved ? this.setDraftExtent(moved) : undefined;
    }
    const layer = this.layer(draft.layer);
    const index = layer ? layer.labels.findIndex((_, i) => ReviewView.labelKey(layer, i) === key) : -1;
    if (layer && index >= 0) return this.setDraftLabel(layer.labels[index].name);
    if (key === "?") this.help.open = !this.help.open;
    return undefined;
  }

  // --- actions -------------------------------------------------------------------------------
  /** @param {string | null} unitId @param {number} [focus] */
  select(unitId, focus = 0) {
    this.catchUp();
    this.unitId = unitId && this.units.some((u) => u.unit_id === unitId) ? unitId : null;
    this.focus = focus;
    this.spanId = null;
    this.flush();
    const unit = this.unit;
    if (unit) {
      const first = unit.versions[focus]?.span_id ?? unit.gold[0];
      this.fragments.get(first)?.[0]?.scrollIntoView({ block: "nearest" });
    }
  }

  /**
   * Next or previous disagreement in text order (only open ones when `onlyOpen`, unless none
   * is open).
   * @param {1 | -1} step
   * @param {boolean} onlyOpen
   */
  cycle(step, onlyOpen) {
    let list = this.units;
    if (onlyOpen && list.some((u) => u.state === "open")) list = list.filter((u) => u.state === "open");
    if (!list.length) {
      this.say("No disagreements in this document: mark it done (d) and go on.");
      return;
    }
    const all = this.units;
    const here = this.unitId ? all.findIndex((u) => u.unit_id === this.unitId) : -1;
    /** @type {Unit | undefined} */
    let target;
    if (here < 0) target = step > 0 ? list[0] : list[list.length - 1];
    else {
      for (let i = 1; i <= all.length && !target; i += 1) {
        const candidate = all[(here + step * i + all.length * i) % all.length];
        if (list.includes(candidate)) target = candidate;
      }
    }
    this.select(target ? target.unit_id : null);
  }

  /** After a decision: the next open disagreement after `unitId`, else stay on it. @param {string} unitId */
  advanceFrom(unitId) {
    this.catchUp();
    const all = this.units;
    const here = all.findIndex((u) => u.unit_id === unitId);
    const after = [...all.slice(here + 1), ...all.slice(0, Math.max(here, 0))];
    const next = after.find((u) => u.state === "open");
    this.select(next ? next.unit_id : unitId);
    if (!next) this.say("Every disagreement here is decided: d marks the gold document done.");
  }

  /** @returns {Unit | null} */
  needUnit() {
    const unit = this.unit;
    if (!unit) this.say("Select a disagreement first: Tab goes to the next open one, or click a dashed span.");
    return unit ?? null;
  }

  /** Take annotator `number`'s version of the selected unit. @param {number} number */
  async pick(number) {
    const unit = this.needUnit();
    if (!unit) return;
    const reply = await this.request("pick", { unit_id: unit.unit_id, number, seen: unit.decision_id ?? null });
    if (reply) {
      const name = this.annotatorName(number) ?? `annotator ${number}`;
      this.say(`Took ${name}'s version.`);
      this.advanceFrom(unit.unit_id);
    }
  }

  async reject() {
    const unit = this.needUnit();
    if (!unit) return;
    const reply = await this.request("reject", { unit_id: unit.unit_id, seen: unit.decision_id ?? null });
    if (reply) {
      this.say("Rejected: nothing of it goes into gold.");
      this.advanceFrom(unit.unit_id);
    }
  }

  /** Start editing the selected unit from the focused version, or from the text selection. @param {Extent} range */
  startEdit(range) {
    const unit = this.needUnit();
    if (!unit) return;
    const version = unit.versions[this.focus] ?? unit.versions[0];
    const base = version?.keys[0] ?? null;
    const [start, end] = range ?? [version?.start ?? unit.start, version?.end ?? unit.end];
    const label = version?.label ?? this.layer(unit.layer)?.labels[0]?.name ?? "";
    window.getSelection()?.removeAllRanges();
    this.draft = { unit: unit.unit_id, layer: unit.layer, label, start, end, base, seen: unit.decision_id ?? null };
    this.say("Editing: label keys change the label, Shift/Alt+←/→ or a mouse selection the extent; Enter saves, Esc cancels.");
    this.dirty.text = true;
    this.flush();
  }

  /** @param {string} label */
  setDraftLabel(label) {
    if (!this.draft) return;
    this.draft.label = label;
    this.dirty.text = true;
    this.flush();
  }

  /** @param {[number, number]} extent */
  setDraftExtent(extent) {
    if (!this.draft) return;
    window.getSelection()?.removeAllRanges();
    [this.draft.start, this.draft.end] = extent;
    this.dirty.text = true;
    this.flush();
  }

  cancelDraft() {
    this.draft = null;
    this.say(null);
    this.dirty.text = true;
    this.flush();
  }

  async saveDraft() {
    const draft = this.draft;
    if (!draft) return;
    const { unit, label, start, end, base, seen } = draft;
    const reply = await this.request("edit", { unit_id: unit, label, start, end, base, seen });
    if (reply) {
      this.draft = null;
      this.dirty.text = true;
      this.say("Your span is in gold.");
      this.advanceFrom(unit);
    }
  }

  async undo() {
    const reply = await this.request("undo");
    if (reply) {
      /** @type {Record<string, string>} */
      const what = { picked: "the pick", edited: "the edit", rejected: "the rejection", status: "the status" };
      this.say(`Undone: ${what[reply.undid] ?? "the last decision"}.`);
      if (reply.unit_id) this.select(reply.unit_id);
    }
  }

  async setDone() {
    const reply = await this.request("status", { status: "done", advance: true });
    if (reply && reply.moved === false) this.say("Every listed document's gold is done.");
  }

  async reopen() {
    await this.request("status", { status: null });
  }

  /** @param {string} to "next", "previous" or a document id */
  async go(to) {
    const reply = await this.request("goto", { to });
    const ends = { next: "This is the last document.", previous: "This is the first document." };
    this.say(reply && !reply.moved ? ends[/** @type {keyof ends} */ (to)] ?? null : null);
    this.root.focus({ preventScroll: true });
    this.markDirty("chrome");
  }

  // --- messages to the reviewer --------------------------------------------------------------
  /** @param {string} text */
  showError(text) {
    this.error = text;
    this.errorBox.replaceChildren(
      h("span", { cls: "an-error-text", text }),
      button("✕", "dismiss (Esc)", () => this.clearError(), "an-mini"),
    );
    this.errorBox.hidden = false;
    this.renderSaveState();
  }

}

export default {
  /** @param {{model: Model, el: HTMLElement}} context */
  render({ model, el }) {
    const view = new ReviewView(model, el);
    return () => view.destroy();
  },
};
