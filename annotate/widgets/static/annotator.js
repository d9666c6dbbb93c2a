// @ts-check
/**
 * The annotator's browser half: draws the article with every layer at once and turns mouse and
 * keys into messages. It decides nothing: Python checks each message, writes it to the store
 * and sends back the views to draw, so the page always shows what was saved.
 *
 * Article text, titles, reasons and attribute values reach the page through textContent,
 * createTextNode or form values only, never as markup.
 *
 * One file, because anywidget loads it from a string: relative imports would need a bundler.
 */

/** @typedef {{name: string, key: string, color: string, description: string}} Label */
/**
 * @typedef {{name: string, key: string, style: string, nesting: boolean, labels: Label[],
 *   description: string}} Layer
 */
/** @typedef {{name: string, head: string, tail: string, description: string}} RelationType */
/** @typedef {{layer: string, name: string, type: string, values: string[], default: any}} Attribute */
/**
 * @typedef {{name: string, version: number, layers: Layer[], relations: RelationType[],
 *   attributes: Attribute[]}} Scheme
 */
/**
 * @typedef {{id: string, layer: string, label: string, start: number, end: number, text: string,
 *   status: "accepted" | "suggested", origin: string, attrs: Record<string, any>,
 *   reason: string | null, confidence: number | null}} Span
 */
/** @typedef {{id: string, type: string, head: string, tail: string, status: string}} Relation */
/**
 * @typedef {{doc_id: string, index: number, count: number, title: string | null,
 *   published: string | null, source: string | null, byline: string | null, text: string,
 *   sha256: string, tokens: number[]}} Doc
 */
/**
 * @typedef {{annotator: string, suggester: string, status: string | null, comment: string | null,
 *   progress: {done: number, skipped: number, flagged: number, total: number},
 *   seconds_doc: number, seconds_total: number, can_undo: boolean, can_redo: boolean}} State
 */
/** @typedef {{doc_id: string, title: string, status: string | null}} DocEntry */
/**
 * Another version of the open article: how alike, and how far the annotator got there.
 * @typedef {{doc_id: string, title: string, similarity: number, percent: number, spans: number,
 *   status: string | null}} Version
 */
/** @typedef {{doc_id: string, ready: boolean, items: Version[], default: string | null}} Versions */
/**
 * A stretch of the open article that the other version lacks (insert, replace), or a point
 * where the other version has text this one lacks (delete); offsets in code points.
 * @typedef {{start: number, end: number, op: string, was: string}} DiffMark
 */
/** @typedef {{doc_id: string, other: string, marks: DiffMark[], gaps: DiffMark[]}} DiffView */
/**
 * The part of anywidget's model this module uses.
 * @typedef {{
 *   get: (name: string) => any,
 *   set: (name: string, value: any) => void,
 *   save_changes: () => void,
 *   on: (event: string, callback: (...args: any[]) => void) => void,
 *   off: (event: string, callback: (...args: any[]) => void) => void,
 *   send: (content: any) => void,
 * }} Model
 */
/** @typedef {{kind: string, id?: string, error?: string, code?: string, [field: string]: any}} Reply */
/** @typedef {{key: string, shift: boolean, alt: boolean, ctrl: boolean}} Key */
/** @typedef {[number, number] | null} Extent */

// Finding versions reads the whole corpus once per session: on a big one that takes a while.
const VERSIONS_TIMEOUT_MS = 300_000;
/** Requests that only read: the save indicator does not wait for them. */
const READS = new Set(["versions", "diff"]);
/** Errors after which nothing was written and the same action can be sent again. */
const RETRYABLE = new Set(["E119", "E120"]);
const IDLE_AFTER_MS = 60_000; // no input for this long: the annotator is away, time stops
const TIME_FLUSH_S = 20;
/** @type {Record<string, string>} */
const STATUS_MARK = { done: "✓", skipped: "↷", flagged: "⚑" };
const COMMAND_KEYS = new Set(
  ["Tab", "Enter", "a", "A", "x", "Delete", "Backspace", "t", "b", "d", "k", "f", "n", "p", "g"]
    .concat(["z", "y", "Z", "v", "V", "?", "Escape"]),
);

/** The widget's own keys, as the help list shows them. */
const KEY_HELP = [
  ["select text, then 1–9 …", "mark it with that label of the active layer"],
  ["{layer keys}", "switch the active layer"],
  ["Tab / Shift+Tab", "next / previous span of the active layer"],
  ["Enter or a", "accept the suggestion (or go to the first one)"],
  ["A", "accept every suggestion of the active layer"],
  ["x, Delete", "reject the suggestion / delete your span"],
  ["1–9 … on a span", "change its label"],
  ["Shift+← →", "move the span's end by a word"],
  ["Alt+← →", "move the span's start by a word"],
  ["select text, then b", "move the selected span onto the text selection"],
  ["t, then Tab/click, Enter", "link the span (quote→source/cue, source→entity, claim→source)"],
  ["Shift+click", "link the selected span to the clicked one"],
  ["click again", "the next span out, where spans overlap"],
  ["d / k / f", "mark done (and go on) / skip / flag with a comment"],
  ["n / p / g", "next / previous document / jump to one"],
  ["z / y (Ctrl+Z / Ctrl+Y)", "undo / redo"],
  ["v", "mark what is not in the other version of this article (again: hide)"],
  ["V (Shift+v)", "carry your spans from the other version here, as suggestions"],
  ["click a version", "compare with / carry from that version"],
  ["Esc", "cancel linking, clear the selection and messages"],
];



/** @param {number} seconds */
function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}







class AnnotatorView extends ArticleView {
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
    /** @type {Map<string, {resolve: (reply: Reply | null) => void, timer: number, kind: string, fields: Record<string, any>}>} */
    this.pending = new Map();
    /** Commands run one after another, see run(). @type {Promise<void>} */
    this.chain = Promise.resolve();
    /** @type {string | null} */
    this.selected = null;
    /** @type {{anchor: string, type: string | null, focus: string | null} | null} */
    this.link = null;
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
    this.elapsed = 0; // seconds worked on this document, not yet sent to Python
    this.lastInput = 0; // time counts from the first touch of this view, not from its drawing
    this.dirty = { text: true, chrome: true };
    this.scheduled = false;
    /** @type {(() => void)[]} */
    this.cleanups = [];
    /** @type {HTMLSelectElement | null} */
    this.jump = null;
    /** @type {HTMLElement | null} */
    this.timeEl = null;
    /** @type {HTMLElement | null} */
    this.saveEl = null;
    /** The version picked in the strip; null: the one Python suggests. @type {string | null} */
    this.versionPick = null;
    /** @type {DiffView | null} */
    this.diff = null;
    /** The document whose versions were asked for, so each is asked once. @type {string | null} */
    this.versionsAsked = null;
    /** What the last carry did, shown in the strip. @type {HTMLElement | null} */
    this.carryReport = null;
    this.root = h("div", {
      cls: "an-root",
      attrs: {
        "data-testid": "annotator",
        tabindex: "0",
        // JupyterLab handles its shortcuts before the widget sees a key; this attribute makes
        // it leave keys pressed inside the widget alone (no new cells on a, b, m).
        "data-lm-suppress-shortcuts": "true",
        role: "application",
        "aria-label": "Annotator",
      },
    });
    this.bar = h("div", { cls: "an-bar" });
    this.errorBox = h("div", { cls: "an-error", attrs: { role: "alert", hidden: "" } });
    this.noticeBox = h("div", { cls: "an-notice", attrs: { "aria-live": "polite" } });
    this.layersBar = h("div", { cls: "an-layers" });
    this.legend = h("div", { cls: "an-legend" });
    this.versionsBar = h("div", {
      cls: "an-versions",
      attrs: { "data-testid": "versions", hidden: "", "aria-label": "Other versions" },
    });
    this.titleEl = h("h3", { cls: "an-title" });
    this.metaEl = h("div", { cls: "an-meta" });
    this.textEl = h("div", { cls: "an-text" });
    this.panel = h("aside", { cls: "an-panel" });
    this.help = /** @type {HTMLDetailsElement} */ (h("details", { cls: "an-help" }));
    this.work = h("div", { cls: "an-work" });
    this.flagInput = /** @type {HTMLInputElement} */ (
      h("input", {
        attrs: {
          type: "text",
          placeholder: "What is wrong with this document? (Enter saves, Esc cancels)",
          "aria-label": "Flag comment",
        },
      })
    );
    this.nameBox = this.nameForm();
    this.flagBox = this.flagForm();
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
  /** @returns {string} */
  get layerName() {
    return this.model.get("layer");
  }
  /** @returns {Span | undefined} */
  get current() {
    return this.selected ? this.spanById.get(this.selected) : undefined;
  }
  /** @param {Layer} layer @param {number} index */
  static labelKey(layer, index) {
    return layer.labels[index].key || String((index + 1) % 10);
  }
  // --- talking to Python --------------------------------------------------------------------
  /**
   * Send one message and wait for its reply. A refusal or failure is shown to the annotator
   * and resolves to null, so callers only handle success.
   * @param {string} kind
   * @param {Record<string, any>} [fields]
   * @param {number} [timeoutMs]
   * @returns {Promise<Reply | null>}
   */
  request(kind, fields = {}, timeoutMs = REPLY_TIMEOUT_MS) {
    const id = `${this.viewId}-${this.nextId++}`;
    return new Promise((resolve) => {
      const timer = window.setTimeout(() => {
        // The kernel may be busy or gone; say so, and let the next command run.
        this.pending.delete(id);
        this.showError(
          `No answer from the kernel for ${timeoutMs / 1000} s: "${kind}" may not be ` +
            "saved. Is the kernel busy or stopped? Re-run the cell to reconnect.",
        );
        resolve(null);
      }, timeoutMs);
      this.pending.set(id, { resolve, timer, kind, fields });
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
    if (reply.error) {
      // A busy or unreachable database (E119, E120) wrote nothing: offer to send it again.
      const retry = RETRYABLE.has(reply.code ?? "")
        ? () => this.run(() => this.request(waiting.kind, waiting.fields))
        : undefined;
      this.showError(reply.error, retry);
    }
    waiting.resolve(reply.error ? null : reply);
    this.renderSaveState();
  }

  // --- the page skeleton, built once ----------------------------------------------------------
  build() {
    const layerKeys = this.scheme.layers.map((l) => `${l.key} ${l.name}`).join(", ");
    const help = KEY_HELP.flatMap(([key, what]) => [
      h("dt", { text: key === "{layer keys}" ? layerKeys : key }),
      h("dd", { text: what }),
    ]);
    this.help.append(h("summary", { text: "Keys (?)" }), h("dl", {}, help));
    this.work.append(
      this.bar,
      this.flagBox,
      this.layersBar,
      this.legend,
      this.versionsBar,
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
      h("label", { text: "Who is annotating? Your work is saved under this name. " }),
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

  flagForm() {
    const input = this.flagInput;
    const form = h("form", { cls: "an-flag", attrs: { hidden: "" } }, [
      h("span", { text: "⚑ Flag: " }),
      input,
      h("button", { cls: "an-button", text: "Flag", attrs: { type: "submit" } }),
      button("Cancel", "Esc", () => this.closeFlag()),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const comment = input.value.trim() || null;
      this.closeFlag();
      this.run(() => this.request("status", { status: "flagged", comment }));
    });
    return form;
  }

  openFlag() {
    this.flagBox.hidden = false;
    this.flagInput.value = this.state.status === "flagged" ? this.state.comment ?? "" : "";
    this.flagInput.focus();
  }

  closeFlag() {
    this.flagBox.hidden = true;
    this.root.focus();
  }

  // --- listeners, each registered with its cleanup -------------------------------------------
  listen() {
    const model = this.model;
    const onText = () => this.markDirty("text");
    const onChrome = () => this.markDirty("chrome");
    const textTraits = ["change:_doc", "change:_spans"];
    const chromeTraits = [
      "change:_relations",
      "change:_state",
      "change:_docs",
      "change:_versions",
      "change:layer",
      "change:_scheme",
    ];
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
      [this.root, "pointerdown", () => this.touch()],
      [this.root, "pointermove", () => this.touch()],
      [this.root, "wheel", () => this.touch()],
      // A round trip to Python that changes nothing: the channel's own latency, which the
      // benchmark compares every action with.
      [this.root, "annotator:ping", () => this.ping()],
    ];
    for (const [target, type, handler] of handlers) {
      target.addEventListener(type, handler);
      this.cleanups.push(() => target.removeEventListener(type, handler));
    }
    const ticker = window.setInterval(() => this.tick(), 1000);
    this.cleanups.push(() => window.clearInterval(ticker));
    // Time worked is sent before the view goes away, so closing the notebook loses none.
    this.cleanups.push(() => this.flushTime());
  }

  flush() {
    const focused = document.activeElement;
    const hadFocus = this.root.contains(focused);
    // Never redraw a form field the annotator is typing in.
    /** @param {HTMLElement} region */
    const busy = (region) =>
      Boolean(focused?.matches('input[type="text"], textarea, select') && region.contains(focused));
    const noName = !this.state?.annotator;
    this.nameBox.hidden = !noName;
    this.work.hidden = noName;
    if (this.dirty.text) this.renderText();
    if (this.dirty.text || this.dirty.chrome) {
      if (!busy(this.bar)) this.renderBar();
      this.renderLayers();
      this.renderLegend();
      this.renderVersions();
    }
    this.dirty = { text: false, chrome: false };
    if (!busy(this.panel)) this.renderPanel();
    this.applyMarks();
    this.renderSaveState();
    // A redraw can remove the focused button; keys must keep reaching the widget, not the
    // notebook around it.
    if (hadFocus && !this.root.contains(document.activeElement)) {
      this.root.focus({ preventScroll: true });
    }
  }

  // --- drawing the article -------------------------------------------------------------------
  renderText() {
    const doc = this.doc;
    const spans = this.spans;
    this.spanById = new Map(spans.map((s) => [s.id, s]));
    if (this.selected && !this.spanById.has(this.selected)) this.selected = null;
    if (this.link && !this.spanById.has(this.link.anchor)) this.link = null;
    this.root.dataset.docId = doc.doc_id;
    this.titleEl.textContent = doc.title || "(no title)";
    this.titleEl.classList.toggle("an-untitled", !doc.title);
    this.metaEl.textContent = [doc.published, doc.source, doc.byline].filter(Boolean).join(" · ");
    this.offsets = new Offsets(doc.text);
    this.tokens = new Tokens(doc.tokens);
    const same = this.root.dataset.shownDoc === doc.doc_id;
    if (!same) {
      // Another article: its versions are others, and so is what differs.
      this.diff = null;
      this.versionPick = null;
      this.carryReport = null;
    }
    const scroll = same ? this.textEl.scrollTop : 0;
    const diff = this.diff?.doc_id === doc.doc_id ? this.diff : null;
    this.textEl.replaceChildren(this.drawSegments(doc.text, spans, diff));
    this.textEl.scrollTop = scroll;
    this.root.dataset.shownDoc = doc.doc_id;
    this.root.dataset.renderedSpans = String(spans.length);
  }

  /**
   * Cut the text at every span boundary; each piece nests one element per span covering it,
   * outermost layer style first. A span crossing pieces is drawn as several elements with the
   * same data-span-id; the first and last carry its left and right edges. With the difference
   * view on, text the other version lacks is wrapped innermost, around the text node itself.
   * @param {string} text
   * @param {Span[]} spans
   * @param {DiffView | null} [diff]
   */
  drawSegments(text, spans, diff = null) {
    const out = document.createDocumentFragment();
    /** @type {Map<string, HTMLElement[]>} */
    const fragments = new Map();
    const nChars = this.offsets.toCp(text.length);
    const cuts = new Set([0, nChars]);
    for (const span of spans) {
      cuts.add(Math.max(0, Math.min(nChars, span.start)));
      cuts.add(Math.max(0, Math.min(nChars, span.end)));
    }
    const marks = diff?.marks ?? [];
    const gaps = diff?.gaps ?? [];
    for (const mark of [...marks, ...gaps]) {
      cuts.add(Math.max(0, Math.min(nChars, mark.start)));
      cuts.add(Math.max(0, Math.min(nChars, mark.end)));
    }
    let m = 0;
    let g = 0;
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
        // Nested spans of one layer sit a little further out, so both edges stay visible.
        depth[span.layer] = (depth[span.layer] ?? -1) + 1;
        if (depth[span.layer]) node.style.setProperty("--d", String(depth[span.layer]));
        parent.append(node);
        parent = node;
        const list = fragments.get(span.id);
        if (list) list.push(node);
        else fragments.set(span.id, [node]);
      }
      const piece = document.createTextNode(text.slice(this.offsets.toU16(a), this.offsets.toU16(b)));
      for (; g < gaps.length && gaps[g].start <= a; g += 1) {
        if (gaps[g].start === a) parent.append(AnnotatorView.diffGap(gaps[g]));
      }
      while (m < marks.length && marks[m].end <= a) m += 1;
      const mark = m < marks.length && marks[m].start <= a ? marks[m] : null;
      parent.append(mark ? AnnotatorView.diffMark(mark, piece) : piece);
      out.append(segment);
    }
    for (; g < gaps.length; g += 1) out.append(AnnotatorView.diffGap(gaps[g]));
    this.fragments = fragments;
    return out;
  }

  /**
   * Text of this article that the other version lacks; the text stays a text node.
   * @param {DiffMark} mark @param {Text} piece
   */
  static diffMark(mark, piece) {
    const title =
      mark.op === "insert"
        ? "not in the other version"
        : `the other version has “${clip(mark.was, 160)}” here`;
    return h("span", { cls: `an-diff an-diff-${mark.op}`, title, attrs: { "data-diff": mark.op } }, [piece]);
  }

  /**
   * Where the other version has text this one lacks: an empty mark, drawn by CSS, so the
   * article's text nodes still add up to exactly its text.
   * @param {DiffMark} gap
   */
  static diffGap(gap) {
    return h("span", {
      cls: "an-diff-gap",
      title: `only in the other version: “${clip(gap.was, 160)}”`,
      attrs: { "data-diff": "delete" },
    });
  }

  /**
   * The element for the piece [a, b) of a span, with the hooks tests and styles rely on.
   * @param {Span} span @param {number} a @param {number} b
   */
  drawSpan(span, a, b) {
    const style = this.layer(span.layer)?.style ?? "highlight";
    const edges = (span.start === a ? " an-first" : "") + (span.end === b ? " an-last" : "");
    const node = h("span", {
      cls: `an-span an-${style} an-${span.status}${edges}`,
      attrs: {
        "data-span-id": span.id,
        "data-layer": span.layer,
        "data-label": span.label,
        "data-status": span.status,
        "data-origin": span.origin,
      },
      title:
        `${span.layer} ${span.label} · ${span.status === "suggested" ? "suggestion" : "yours"}` +
        (span.reason ? ` · ${span.reason}` : ""),
    });
    node.style.setProperty("--c", this.color(span.layer, span.label));
    return node;
  }

  /** Selected span, linked spans and link candidates: classes only, no redraw. */
  applyMarks() {
    for (const node of this.marked) {
      node.classList.remove("an-selected", "an-related", "an-candidate", "an-focus");
    }
    this.marked = [];
    /** @param {string} id @param {string} cls */
    const add = (id, cls) => {
      for (const node of this.fragments.get(id) ?? []) {
        node.classList.add(cls);
        this.marked.push(node);
      }
    };
    if (this.selected) {
      add(this.selected, "an-selected");
      for (const relation of this.relations) {
        if (relation.head === this.selected) add(relation.tail, "an-related");
        if (relation.tail === this.selected) add(relation.head, "an-related");
      }
    }
    if (this.link) {
      for (const candidate of this.linkCandidates()) add(candidate.id, "an-candidate");
      if (this.link.focus) add(this.link.focus, "an-focus");
    }
    this.root.classList.toggle("an-linking", Boolean(this.link));
  }

  // --- toolbar, layers, legend ---------------------------------------------------------------
  renderBar() {
    const state = this.state;
    const doc = this.doc;
    if (!state || !doc) return;
    const jump = /** @type {HTMLSelectElement} */ (
      h("select", { cls: "an-jump", attrs: { "aria-label": "Jump to document", title: "g" } })
    );
    this.docs.forEach((entry, index) => {
      const mark = entry.status ? ` ${STATUS_MARK[entry.status] ?? ""}` : "";
      const option = /** @type {HTMLOptionElement} */ (
        h("option", { text: `${index + 1}. ${entry.title}${mark}`, attrs: { value: entry.doc_id } })
      );
      option.selected = entry.doc_id === doc.doc_id;
      jump.append(option);
    });
    jump.addEventListener("change", () => this.run(() => this.go(jump.value)));
    this.jump = jump;
    const p = state.progress;
    const status = state.status
      ? `${STATUS_MARK[state.status] ?? ""} ${state.status}${state.comment ? `: ${state.comment}` : ""}`
      : "open";
    const undo = button("↶ Undo", "z or Ctrl+Z", () => this.run(() => this.request("undo")));
    const redo = button("↷ Redo", "y or Ctrl+Y", () => this.run(() => this.request("redo")));
    undo.disabled = !state.can_undo;
    redo.disabled = !state.can_redo;
    this.timeEl = h("span", { cls: "an-time", title: "time on this document · in all" });
    this.saveEl = h("span", { cls: "an-save", attrs: { "data-testid": "save-state" } });
    const progress =
      `${p.done} done of ${p.total}` +
      (p.skipped ? ` · ${p.skipped} skipped` : "") +
      (p.flagged ? ` · ${p.flagged} flagged` : "");
    this.bar.replaceChildren(
      h("div", { cls: "an-nav" }, [
        button("◀", "previous document (p)", () => this.run(() => this.go("previous"))),
        h("span", { cls: "an-pos", text: `${doc.index + 1} / ${doc.count}` }),
        button("▶", "next document (n)", () => this.run(() => this.go("next"))),
        jump,
      ]),
      h("div", { cls: "an-status" }, [
        h("span", {
          cls: `an-badge an-badge-${state.status ?? "open"}`,
          text: status,
          title: status,
          attrs: { "data-testid": "doc-status" },
        }),
        button("✓ Done", "mark done and open the next open document (d)", () =>
          this.run(() => this.setStatus("done", true)),
        ),
        button("Skip", "mark skipped and go on (k)", () =>
          this.run(() => this.setStatus("skipped", true)),
        ),
        button("⚑ Flag", "flag with a comment (f)", () => this.openFlag()),
        state.status
          ? button("Reopen", "clear the status", () => this.run(() => this.setStatus(null, false)))
          : null,
      ]),
      h("div", { cls: "an-edit" }, [undo, redo]),
      h("div", { cls: "an-facts" }, [
        h("span", { cls: "an-progress", text: progress, attrs: { "data-testid": "progress" } }),
        this.timeEl,
        h("span", { cls: "an-who", text: state.annotator, title: "annotating as" }),
        this.saveEl,
      ]),
    );
    this.renderTime();
  }

  renderTime() {
    const state = this.state;
    if (!this.timeEl || !state) return;
    const here = clock(state.seconds_doc + this.elapsed);
    this.timeEl.textContent = `time ${here} · total ${clock(state.seconds_total + this.elapsed)}`;
  }

  renderSaveState() {
    if (!this.saveEl) return;
    const writing = [...this.pending.values()].some((waiting) => !READS.has(waiting.kind));
    const state = this.error ? "error" : writing ? "saving" : "saved";
    this.saveEl.textContent = { error: "not saved", saving: "saving…", saved: "saved" }[state];
    this.saveEl.dataset.state = state;
  }

  /** Spans per layer: the annotator's and the open suggestions. */
  counts() {
    /** @type {Map<string, {accepted: number, suggested: number}>} */
    const counts = new Map(this.scheme.layers.map((l) => [l.name, { accepted: 0, suggested: 0 }]));
    for (const span of this.spans) {
      const entry = counts.get(span.layer);
      if (entry) entry[span.status] += 1;
    }
    return counts;
  }

  renderLayers() {
    const counts = this.counts();
    const tabs = this.scheme.layers.map((layer) => {
      const c = counts.get(layer.name) ?? { accepted: 0, suggested: 0 };
      const active = layer.name === this.layerName;
      const tab = button(
        `${layer.key ? `${layer.key} ` : ""}${layer.name} ${c.accepted}` +
          (c.suggested ? ` +${c.suggested}?` : ""),
        `${layer.description} (${c.accepted} yours, ${c.suggested} suggested)`,
        () => this.run(() => this.setLayer(layer.name)),
        `an-tab${active ? " an-active" : ""}`,
      );
      tab.setAttribute("aria-pressed", String(active));
      tab.dataset.layer = layer.name;
      return tab;
    });
    const open = counts.get(this.layerName)?.suggested ?? 0;
    const all = button(
      `Accept all ${open} ${this.layerName} suggestions`,
      "A (Shift+a)",
      () => this.run(() => this.acceptAll()),
      "an-accept-all",
    );
    all.disabled = open === 0;
    this.layersBar.replaceChildren(h("span", { cls: "an-hint", text: "Layer:" }), ...tabs, all);
  }

  renderLegend() {
    const layer = this.layer(this.layerName);
    if (!layer) return;
    const items = layer.labels.map((label, index) => {
      const key = AnnotatorView.labelKey(layer, index);
      const swatch = h("span", { cls: `an-swatch an-${layer.style}` });
      swatch.style.setProperty("--c", safeColor(label.color));
      const item = button("", label.description || `press ${key}`, () =>
        this.run(() => this.labelKey(label.name, this.selectionRange())),
      "an-label");
      item.dataset.label = label.name;
      item.append(h("kbd", { text: key }), swatch, document.createTextNode(label.name));
      return item;
    });
    this.legend.replaceChildren(
      ...items,
      h("span", { cls: "an-hint an-key-solid", text: "solid: yours" }),
      h("span", { cls: "an-hint an-key-dashed", text: "dashed: suggested" }),
    );
  }

  // --- versions of the article --------------------------------------------------------------
  /** The strip of other versions; asks Python for them the first time a document needs them. */
  renderVersions() {
    const doc = this.doc;
    const versions = this.versions;
    if (!doc || !this.state?.annotator) return;
    const current = versions?.doc_id === doc.doc_id && versions.ready;
    if (!current && this.versionsAsked !== doc.doc_id) {
      this.versionsAsked = doc.doc_id;
      // Not in the command chain: keys are not held up while the corpus is read.
      this.request("versions", {}, VERSIONS_TIMEOUT_MS);
    }
    const items = current ? versions.items : [];
    this.versionsBar.hidden = !items.length;
    if (!items.length) {
      this.versionsBar.replaceChildren();
      return;
    }
    const picked = this.pickedVersion();
    const entries = items.map((item) => {
      const on = item.doc_id === picked?.doc_id;
      const entry = button(
        clip(item.title, 60),
        `${item.percent}% alike · ${item.spans} span(s) of yours there · ${item.status ?? "open"}` +
          " (click to compare with / carry from this version)",
        () => this.run(() => this.pickVersion(item.doc_id)),
        `an-version${on ? " an-on" : ""}`,
      );
      entry.dataset.docId = item.doc_id;
      entry.setAttribute("aria-pressed", String(on));
      entry.append(
        h("span", { cls: "an-version-sim", text: ` ${item.percent}%` }),
        h("span", {
          cls: "an-version-work",
          text: ` · ${item.spans} yours · ${item.status ? `${STATUS_MARK[item.status] ?? ""} ${item.status}` : "open"}`,
        }),
      );
      return entry;
    });
    const diffOn = this.diff?.doc_id === doc.doc_id;
    const compare = button(
      diffOn ? "Hide differences" : "Show differences",
      "v: mark the text the picked version does not have",
      () => this.run(() => this.toggleDiff()),
      `an-diff-toggle${diffOn ? " an-on" : ""}`,
    );
    compare.setAttribute("aria-pressed", String(diffOn));
    const carry = button(
      "Carry my spans here",
      "V (Shift+v): your spans on the picked version become suggestions here",
      () => this.run(() => this.carry()),
      "an-carry",
    );
    carry.disabled = !picked || picked.spans === 0;
    this.versionsBar.replaceChildren(
      h("span", { cls: "an-hint", text: items.length === 1 ? "Other version:" : "Other versions:" }),
      ...entries,
      compare,
      carry,
      ...(this.carryReport ? [this.carryReport] : []),
    );
  }

  /** The version picked in the strip, else Python's default. @returns {Version | undefined} */
  pickedVersion() {
    const versions = this.versions;
    if (!versions || versions.doc_id !== this.doc?.doc_id) return undefined;
    const id = this.versionPick ?? versions.default;
    return versions.items.find((v) => v.doc_id === id) ?? versions.items[0];
  }

  /** @param {string} id */
  async pickVersion(id) {
    this.versionPick = id;
    if (this.diff) {
      this.diff = null;
      await this.toggleDiff();
      return;
    }
    this.markDirty("chrome");
  }

  /** The version to compare with or carry from, finding the versions first if need be. */
  async versionTarget() {
    const doc = this.doc;
    if (!(this.versions?.doc_id === doc.doc_id && this.versions.ready)) {
      this.say("Looking for other versions of this article…");
      this.versionsAsked = doc.doc_id;
      if (!(await this.request("versions", {}, VERSIONS_TIMEOUT_MS))) return undefined;
      this.say(null);
    }
    const picked = this.pickedVersion();
    if (!picked) this.say("This article has no other versions in the project.");
    return picked;
  }

  /** Mark (or stop marking) the text the picked version does not have. */
  async toggleDiff() {
    if (this.diff) {
      this.diff = null;
      this.say(null);
      this.markDirty("text");
      return;
    }
    const picked = await this.versionTarget();
    if (!picked) return;
    const reply = await this.request("diff", { other: picked.doc_id });
    if (!reply || reply.doc_id !== this.doc.doc_id) return;
    /** @type {DiffView} */
    const diff = { doc_id: reply.doc_id, other: reply.other, marks: [], gaps: [] };
    for (const segment of reply.segments ?? []) {
      const mark = {
        start: segment.target_start,
        end: segment.target_end,
        op: segment.op,
        was: segment.source_text ?? "",
      };
      if ((segment.op === "insert" || segment.op === "replace") && mark.end > mark.start) {
        diff.marks.push(mark);
      } else if (segment.op === "delete") {
        diff.gaps.push({ ...mark, end: mark.start });
      }
    }
    this.diff = diff;
    this.markDirty("text");
    this.say(
      `Marked ${diff.marks.length} place(s) not in “${clip(picked.title, 50)}” ` +
        `(${picked.percent}% alike); ‸ marks text only there. v hides it.`,
    );
  }

  /** Carry the annotator's spans from the picked version here, as suggestions. */
  async carry() {
    const picked = await this.versionTarget();
    if (!picked) return;
    const reply = await this.request("project_version", { source: picked.doc_id });
    if (!reply) return;
    /** @type {Record<string, number>} */
    const reasons = {};
    for (const item of reply.left_out ?? []) reasons[item.reason] = (reasons[item.reason] ?? 0) + 1;
    const why = Object.entries(reasons).map(([reason, n]) => `${n} ${reason.replace(/_/g, " ")}`);
    const left = `${reply.left_out_count} left out${why.length ? ` (${why.join(", ")})` : ""}`;
    const text = reply.already_projected
      ? `Your spans from “${clip(picked.title, 50)}” were carried here before; their ` +
        `suggestions stay until you decide them (${reply.carried} carried, ${left}).`
      : `Carried ${reply.carried} of your spans from “${clip(picked.title, 50)}” as ` +
        `suggestions; ${left}.`;
    this.say(text);
    this.carryReport = h(
      "span",
      { cls: "an-carry-report", attrs: { "data-testid": "carry-report" } },
      [`${reply.carried} carried · ${left}`],
    );
    if (reply.left_out?.length) {
      this.carryReport.title = reply.left_out
        .map((/** @type {{layer: string, text: string, reason: string}} */ item) =>
          `${item.layer} “${item.text}”: ${item.reason}`)
        .join("\n");
    }
    this.markDirty("chrome");
  }

  // --- the side panel ------------------------------------------------------------------------
  renderPanel() {
    const span = this.current;
    if (!span) {
      this.panel.replaceChildren(...this.panelOverview());
      return;
    }
    const layer = this.layer(span.layer);
    const suggested = span.status === "suggested";
    /** @type {(HTMLElement | null)[]} */
    const parts = [
      h("div", { cls: "an-panel-head" }, [
        h("span", { cls: "an-chip", text: span.layer }),
        h("strong", { text: ` ${span.label} ` }),
        h("span", {
          cls: `an-state an-state-${span.status}`,
          text: suggested ? "suggestion" : `yours (${span.origin})`,
        }),
      ]),
      h("blockquote", { cls: "an-quote", text: clip(span.text, 300) }),
    ];
    if (suggested) {
      const confidence = span.confidence !== null ? ` (confidence ${span.confidence.toFixed(2)})` : "";
      parts.push(
        h("p", { cls: "an-reason", attrs: { "data-testid": "reason" } }, [
          h("strong", { text: "Why: " }),
          `${span.reason ?? "no reason given"}${confidence}`,
        ]),
        h("div", { cls: "an-row" }, [
          button("Accept", "Enter or a", () => this.run(() => this.accept(span.id)), "an-primary"),
          button("Reject", "x", () => this.run(() => this.remove(span.id))),
        ]),
      );
    }
    if (layer) {
      const labels = layer.labels.map((label, index) =>
        button(
          `${AnnotatorView.labelKey(layer, index)} ${label.name}`,
          suggested ? "accept with this label" : "change the label",
          () => this.run(() => this.relabel(span.id, label.name)),
          label.name === span.label ? "an-on" : "",
        ),
      );
      parts.push(h("div", { cls: "an-row an-labels" }, [h("span", { cls: "an-hint", text: "Label:" }), ...labels]));
    }
    parts.push(this.attributeForm(span), this.relationList(span));
    if (!suggested) {
      parts.push(
        h("div", { cls: "an-row" }, [
          button("Delete", "x or Delete", () => this.run(() => this.remove(span.id)), "an-danger"),
          h("span", { cls: "an-hint", text: "Resize: Shift+←/→ end, Alt+←/→ start, or select text + b" }),
        ]),
      );
    }
    this.panel.replaceChildren(...parts.filter((p) => p !== null));
  }

  panelOverview() {
    const counts = this.counts();
    const lines = this.scheme.layers.map((layer) => {
      const c = counts.get(layer.name) ?? { accepted: 0, suggested: 0 };
      return h("li", { text: `${layer.name}: ${c.accepted} yours, ${c.suggested} suggested` });
    });
    const from = this.state?.suggester
      ? `Suggestions from ${this.state.suggester}.`
      : "No suggestions in this project yet.";
    return [
      h("p", { cls: "an-hint", text: "Select text and press a label's key, or click a span (or Tab) to see and change it." }),
      h("ul", { cls: "an-counts" }, lines),
      h("p", { cls: "an-hint", text: from }),
    ];
  }

  /** @param {Span} span */
  attributeForm(span) {
    const attributes = this.scheme.attributes.filter((a) => a.layer === span.layer || a.layer === "*");
    if (!attributes.length) return null;
    const form = h("div", { cls: "an-attrs" }, [h("div", { cls: "an-hint", text: "Attributes" })]);
    /** @param {string} name @param {any} value */
    const save = (name, value) =>
      this.run(() => this.request("set_attrs", { span_id: span.id, attrs: { [name]: value } }));
    for (const attribute of attributes) {
      const value = span.attrs[attribute.name];
      const row = h("div", { cls: "an-attr", attrs: { "data-attr": attribute.name } }, [
        h("span", { cls: "an-attr-name", text: attribute.name }),
      ]);
      if (attribute.type === "choice") {
        for (const choice of attribute.values) {
          const on = value === choice;
          row.append(
            button(choice, on ? "click again to unset" : `${attribute.name} = ${choice}`, () =>
              save(attribute.name, on ? null : choice),
            on ? "an-on" : ""),
          );
        }
      } else if (attribute.type === "bool") {
        const box = /** @type {HTMLInputElement} */ (
          h("input", { attrs: { type: "checkbox", "aria-label": attribute.name } })
        );
        box.checked = value === true;
        box.addEventListener("change", () => save(attribute.name, box.checked));
        row.append(box);
      } else {
        const input = /** @type {HTMLInputElement} */ (
          h("input", { attrs: { type: "text", "aria-label": attribute.name, placeholder: "Enter saves" } })
        );
        const before = typeof value === "string" ? value : "";
        input.value = before;
        input.addEventListener("change", () => {
          const text = input.value.trim();
          if (text !== before) save(attribute.name, text || null);
        });
        input.addEventListener("keydown", (event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            this.root.focus(); // blurs the field, which saves it
          }
        });
        row.append(input);
      }
      form.append(row);
    }
    return form;
  }

  /** @param {Span} span */
  relationList(span) {
    const types = this.scheme.relations.filter((r) => r.head === span.layer || r.tail === span.layer);
    if (!types.length) return null;
    const list = h("div", { cls: "an-relations" }, [h("div", { cls: "an-hint", text: "Links" })]);
    for (const type of types) {
      const outgoing = type.head === span.layer;
      const row = h("div", { cls: "an-relation", attrs: { "data-type": type.name } }, [
        h("span", {
          cls: "an-attr-name",
          text: outgoing ? `${type.name} →` : `← ${type.name}`,
          title: type.description,
        }),
      ]);
      for (const relation of this.relations) {
        if (relation.type !== type.name || (outgoing ? relation.head : relation.tail) !== span.id) {
          continue;
        }
        const otherId = outgoing ? relation.tail : relation.head;
        const other = this.spanById.get(otherId);
        const suggested = relation.status === "suggested";
        const chip = button(
          other ? clip(other.text, 30) : "?",
          suggested ? "suggested link: accept both spans to keep it" : "select it",
          () => this.run(() => this.select(otherId)),
          `an-link an-link-${relation.status}`,
        );
        chip.dataset.relationId = relation.id;
        row.append(chip);
        if (!suggested) {
          const unlink = () => this.run(() => this.request("unlink", { relation_id: relation.id }));
          row.append(button("✕", "remove the link", unlink, "an-mini"));
        }
      }
      if (span.status === "accepted") {
        const what = outgoing ? type.tail : type.head;
        row.append(
          button("link…", `pick the ${what} (t, then Tab or click, and Enter)`, () =>
            this.run(() => this.startLink(span.id, type.name)),
          "an-mini"),
        );
      }
      list.append(row);
    }
    return list;
  }

  // --- input ---------------------------------------------------------------------------------
  touch() {
    this.lastInput = Date.now();
  }

  tick() {
    if (!this.state?.annotator || !this.root.isConnected) return;
    const away = document.visibilityState !== "visible" || Date.now() - this.lastInput > IDLE_AFTER_MS;
    if (away) return;
    this.elapsed += 1;
    this.renderTime();
    if (this.elapsed >= TIME_FLUSH_S) this.flushTime();
  }

  flushTime() {
    const seconds = this.elapsed;
    if (seconds < 1 || !this.doc || !this.state?.annotator) return;
    this.elapsed = 0;
    this.request("time", { doc_id: this.doc.doc_id, seconds });
  }

  /** @param {MouseEvent} event */
  onClick(event) {
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed) return; // a drag that selected text, not a click
    const chain = this.spansAt(/** @type {Element} */ (event.target));
    const shift = event.shiftKey;
    this.run(() => this.clicked(chain, shift));
  }

  /** @param {string[]} chain span ids under the pointer, innermost first @param {boolean} shift */
  clicked(chain, shift) {
    if (this.link) {
      const allowed = new Set(this.linkCandidates().map((s) => s.id));
      const pick = chain.find((id) => allowed.has(id));
      return pick ? this.finishLink(pick) : undefined;
    }
    if (!chain.length) return this.select(null);
    if (shift && this.selected && !chain.includes(this.selected)) {
      const pick = chain.find((id) => this.spanById.get(id)?.status === "accepted") ?? chain[0];
      return this.linkPair(this.selected, pick, null);
    }
    // Where spans overlap, the first click takes the active layer's span; each click on the
    // same place then goes one span further out, so every span there can be reached.
    const here = this.selected ? chain.indexOf(this.selected) : -1;
    const pick =
      here >= 0
        ? chain[(here + 1) % chain.length]
        : chain.find((id) => this.spanById.get(id)?.layer === this.layerName) ?? chain[0];
    return this.select(pick);
  }

  onMouseUp() {
    const range = this.selectionRange();
    if (!range) return;
    const text = this.doc.text.slice(this.offsets.toU16(range[0]), this.offsets.toU16(range[1]));
    const also = this.selected ? ", or b to move the selected span there" : "";
    this.say(`“${clip(text, 60)}”: press a label's key to mark it as ${this.layerName}${also}.`);
  }

  /**
   * Span ids under an element, innermost first.
   * @param {Element | null} target
   * @returns {string[]}
   */
  spansAt(target) {
    /** @type {string[]} */
    const ids = [];
    for (let node = target; node && node !== this.textEl; node = node.parentElement) {
      const id = node.getAttribute("data-span-id");
      if (id) ids.push(id);
    }
    return ids;
  }

  /**
   * Whether a key is the widget's, decided at once so it is taken from the browser and from
   * JupyterLab even when the command itself waits its turn.
   * @param {KeyboardEvent} event
   */
  owns(event) {
    const key = event.key;
    if (event.ctrlKey || event.metaKey) return key.toLowerCase() === "z" || key.toLowerCase() === "y";
    if (!this.state?.annotator) return false;
    if (key === "ArrowLeft" || key === "ArrowRight") return event.altKey || event.shiftKey;
    if (event.altKey) return false;
    if (COMMAND_KEYS.has(key)) return true;
    return this.scheme.layers.some(
      (layer) => layer.key === key || layer.labels.some((_, i) => AnnotatorView.labelKey(layer, i) === key),
    );
  }

  /** @param {KeyboardEvent} event */
  onKey(event) {
    this.touch();
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
    // Taken now: a redraw before the command runs would clear the page's text selection.
    const range = this.selectionRange();
    this.run(() => this.command(key, range));
  }

  /**
   * What a key does, decided when its turn comes (after every earlier command's reply).
   * @param {Key} k
   * @param {Extent} range the text selection when the key was pressed
   */
  command(k, range) {
    const key = k.key;
    const span = this.current;
    if (k.ctrl) return this.request(key.toLowerCase() === "z" && !k.shift ? "undo" : "redo");
    if (key === "Escape") {
      this.link = null;
      this.clearError();
      this.say(null);
      window.getSelection()?.removeAllRanges();
      return this.select(null);
    }
    if (key === "ArrowLeft" || key === "ArrowRight") {
      const step = key === "ArrowLeft" ? -1 : 1;
      return span ? this.nudge(span.id, k.alt ? "start" : "end", step) : undefined;
    }
    // The scheme's keys first (labels of the active layer, then layers), then the widget's.
    const layer = this.layer(this.layerName);
    const index = layer ? layer.labels.findIndex((_, i) => AnnotatorView.labelKey(layer, i) === key) : -1;
    if (layer && index >= 0) return this.labelKey(layer.labels[index].name, range);
    const other = this.scheme.layers.find((l) => l.key && l.key === key);
    if (other) return this.setLayer(other.name);
    switch (key) {
      case "Tab":
        return this.link ? this.cycleCandidate(k.shift ? -1 : 1) : this.cycle(k.shift ? -1 : 1);
      case "Enter":
      case "a":
        if (this.link) return this.link.focus ? this.finishLink(this.link.focus) : undefined;
        if (!span) return this.cycle(1, true);
        return span.status === "suggested" ? this.accept(span.id) : undefined;
      case "A":
        return this.acceptAll();
      case "x":
      case "Delete":
      case "Backspace":
        return span ? this.remove(span.id) : undefined;
      case "t":
        return span ? this.startLink(span.id, null) : undefined;
      case "b":
        return span ? this.resizeTo(span.id, range) : undefined;
      case "d":
        return this.setStatus("done", true);
      case "k":
        return this.setStatus("skipped", true);
      case "f":
        return this.openFlag();
      case "n":
        return this.go("next");
      case "p":
        return this.go("previous");
      case "g":
        return this.jump?.focus();
      case "z":
        return this.request("undo");
      case "y":
      case "Z":
        return this.request("redo");
      case "v":
        return this.toggleDiff();
      case "V":
        return this.carry();
      case "?":
        this.help.open = !this.help.open;
        return undefined;
      default:
        return undefined;
    }
  }

  // --- actions -------------------------------------------------------------------------------
  /** @param {string} name */
  setLayer(name) {
    if (name === this.layerName) return;
    this.model.set("layer", name);
    this.model.save_changes();
    if (this.current && this.current.layer !== name) this.selected = null;
    this.dirty.chrome = true;
    this.flush();
  }

  /** @param {string | null} id */
  select(id) {
    this.catchUp();
    this.selected = id && this.spanById.has(id) ? id : null;
    const span = this.current;
    if (span && span.layer !== this.layerName) {
      // Label keys act on the selected span's layer.
      this.model.set("layer", span.layer);
      this.model.save_changes();
      this.dirty.chrome = true;
    }
    this.flush();
    if (this.selected) this.fragments.get(this.selected)?.[0]?.scrollIntoView({ block: "nearest" });
  }

  /**
   * Next or previous span of the active layer (only suggestions when `onlySuggested`).
   * @param {1 | -1} step
   * @param {boolean} [onlySuggested]
   */
  cycle(step, onlySuggested = false) {
    const list = this.spans.filter(
      (s) => s.layer === this.layerName && (!onlySuggested || s.status === "suggested"),
    );
    if (!list.length) {
      this.say(`No ${onlySuggested ? "suggested " : ""}${this.layerName} spans here.`);
      return;
    }
    const here = list.findIndex((s) => s.id === this.selected);
    const next = here < 0 ? (step > 0 ? 0 : list.length - 1) : (here + step + list.length) % list.length;
    this.select(list[next].id);
  }

  /**
   * A label's key: mark the text selection, else relabel the selected span.
   * @param {string} label @param {Extent} range
   */
  async labelKey(label, range) {
    const span = this.current;
    if (range) {
      window.getSelection()?.removeAllRanges();
      this.say(null);
      const fields = { layer: this.layerName, label, start: range[0], end: range[1] };
      const reply = await this.request("add_span", fields);
      if (reply) this.select(reply.span_id);
    } else if (span && span.layer === this.layerName) {
      await this.relabel(span.id, label);
    } else {
      this.say("Select some text first (or a span: click it or press Tab), then press the label's key.");
    }
  }

  /** @param {string} id @param {string} label */
  async relabel(id, label) {
    const reply = await this.request("relabel", { span_id: id, label });
    if (reply) this.select(reply.span_id);
  }

  /** The suggestion to go to after deciding `span`: the next one of its layer. @param {Span} span */
  followingSuggestion(span) {
    const list = this.spans.filter((s) => s.layer === span.layer && s.status === "suggested");
    const here = list.findIndex((s) => s.id === span.id);
    return list[here + 1]?.id ?? list[here - 1]?.id ?? null;
  }

  /** @param {string} id */
  async accept(id) {
    const span = this.spanById.get(id);
    if (!span) return;
    const following = this.followingSuggestion(span);
    const reply = await this.request("accept", { span_id: id });
    if (reply) this.select(following && this.spanById.has(following) ? following : reply.span_id);
  }

  /** Reject a suggestion, or delete one's own span (Python tells them apart). @param {string} id */
  async remove(id) {
    const span = this.spanById.get(id);
    if (!span) return;
    const following = span.status === "suggested" ? this.followingSuggestion(span) : null;
    const reply = await this.request("reject", { span_id: id });
    if (reply) this.select(following);
  }

  async acceptAll() {
    const layer = this.layerName;
    const reply = await this.request("accept_all", { layer });
    if (reply) this.say(`Accepted ${reply.span_ids.length} ${layer} suggestion(s).`);
  }

  /** @param {string} id @param {"start" | "end"} edge @param {1 | -1} step */
  async nudge(id, edge, step) {
    const span = this.spanById.get(id);
    const moved = span ? this.tokens.move(span.start, span.end, edge, step) : null;
    if (!moved) return;
    const reply = await this.request("resize", { span_id: id, start: moved[0], end: moved[1] });
    if (reply) this.select(reply.span_id);
  }

  /** @param {string} id @param {Extent} range */
  async resizeTo(id, range) {
    if (!range) {
      this.say("Select the new extent with the mouse first, then press b.");
      return;
    }
    window.getSelection()?.removeAllRanges();
    const reply = await this.request("resize", { span_id: id, start: range[0], end: range[1] });
    if (reply) this.select(reply.span_id);
  }

  /** @param {string} anchor @param {string | null} type */
  startLink(anchor, type) {
    const span = this.spanById.get(anchor);
    if (!span) return;
    if (span.status === "suggested") {
      this.say("Accept the suggestion first (Enter), then link it.");
      return;
    }
    this.link = { anchor, type, focus: null };
    const candidates = this.linkCandidates();
    if (!candidates.length) {
      this.link = null;
      this.say(`Nothing to link this ${span.layer} to yet: mark or accept the other span first.`);
      return;
    }
    this.link.focus = candidates[0].id;
    this.say(`Linking “${clip(span.text, 40)}”: click a highlighted span, or Tab to one and press Enter. Esc cancels.`);
    this.flush();
  }

  /** The annotator's spans the link's anchor can be linked to, nearest first. @returns {Span[]} */
  linkCandidates() {
    const link = this.link;
    const anchor = link ? this.spanById.get(link.anchor) : undefined;
    if (!link || !anchor) return [];
    const layers = new Set();
    for (const r of this.scheme.relations) {
      if (link.type && r.name !== link.type) continue;
      if (r.head === anchor.layer) layers.add(r.tail);
      if (r.tail === anchor.layer) layers.add(r.head);
    }
    return this.spans
      .filter((s) => s.status === "accepted" && s.id !== anchor.id && layers.has(s.layer))
      .sort((a, b) => Math.abs(a.start - anchor.start) - Math.abs(b.start - anchor.start));
  }

  /** @param {1 | -1} step */
  cycleCandidate(step) {
    const link = this.link;
    const list = this.linkCandidates();
    if (!link || !list.length) return;
    const here = list.findIndex((s) => s.id === link.focus);
    link.focus = list[(here + step + list.length) % list.length].id;
    this.flush();
    this.fragments.get(link.focus)?.[0]?.scrollIntoView({ block: "nearest" });
  }

  /** @param {string} other */
  async finishLink(other) {
    const link = this.link;
    if (!link) return;
    this.link = null;
    this.say(null);
    await this.linkPair(link.anchor, other, link.type);
  }

  /** @param {string} first @param {string} second @param {string | null} type */
  async linkPair(first, second, type) {
    const reply = await this.request("link", { first, second, type });
    if (reply) this.say(`Linked: ${reply.type}.`);
    this.select(first);
  }

  /** @param {string | null} status @param {boolean} advance */
  async setStatus(status, advance) {
    this.flushTime();
    const reply = await this.request("status", { status, advance });
    if (reply && advance && status && reply.moved === false) {
      this.say("Every document has a status now: nothing left to open.");
    }
  }

  /** @param {string} to "next", "previous" or a document id */
  async go(to) {
    this.flushTime();
    const reply = await this.request("goto", { to });
    const ends = { next: "This is the last document.", previous: "This is the first document." };
    this.say(reply && !reply.moved ? ends[/** @type {keyof ends} */ (to)] ?? null : null);
    // Back from the jump list (which was not redrawn while it had focus) to the keys.
    this.root.focus({ preventScroll: true });
    this.markDirty("chrome");
  }

  async ping() {
    const began = performance.now();
    await this.request("ping");
    const detail = { ms: performance.now() - began };
    this.root.dispatchEvent(new CustomEvent("annotator:pong", { detail }));
  }

  // --- messages to the annotator -------------------------------------------------------------
  /**
   * @param {string} text
   * @param {() => void} [retry] offered as a button when the action can simply be sent again
   */
  showError(text, retry) {
    this.error = text;
    const again = retry
      ? [button("Retry", "send the same action again", () => (this.clearError(), retry()), "an-mini")]
      : [];
    this.errorBox.replaceChildren(
      h("span", { cls: "an-error-text", text }),
      ...again,
      button("✕", "dismiss (Esc)", () => this.clearError(), "an-mini"),
    );
    this.errorBox.hidden = false;
    this.renderSaveState();
  }

}

export default {
  /** @param {{model: Model, el: HTMLElement}} context */
  render({ model, el }) {
    const view = new AnnotatorView(model, el);
    return () => view.destroy();
  },
};
