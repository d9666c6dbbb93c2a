// @ts-check
/**
 * Other versions of the open article (the same story, edited): the strip that lists them, the
 * difference view (v) that marks what the picked version lacks, and carrying the annotator's
 * spans from it here as suggestions (V).
 */
import { button, clip, h } from "../common/dom.js";
import { STATUS_MARK } from "./toolbar.js";

/** @typedef {import("./view.js").AnnotatorView} AnnotatorView */
/** @typedef {import("./types.js").DiffMark} DiffMark */
/** @typedef {import("./types.js").DiffView} DiffView */
/** @typedef {import("./types.js").Version} Version */

// Finding versions reads the whole corpus once per session: on a big one that takes a while.
const VERSIONS_TIMEOUT_MS = 300_000;

/**
 * The strip of other versions; asks Python for them the first time a document needs them.
 * @param {AnnotatorView} view
 */
export function renderVersions(view) {
  const doc = view.doc;
  const versions = view.versions;
  if (!doc || !view.state?.annotator) return;
  const current = versions?.doc_id === doc.doc_id && versions.ready;
  if (!current && view.versionsAsked !== doc.doc_id) {
    view.versionsAsked = doc.doc_id;
    // Not in the command chain: keys are not held up while the corpus is read.
    view.request("versions", {}, { timeoutMs: VERSIONS_TIMEOUT_MS, background: true });
  }
  const items = current ? versions.items : [];
  view.versionsBar.hidden = !items.length;
  if (!items.length) {
    view.versionsBar.replaceChildren();
    return;
  }
  const picked = pickedVersion(view);
  const entries = items.map((item) => {
    const on = item.doc_id === picked?.doc_id;
    const entry = button(
      clip(item.title, 60),
      `${item.percent}% alike · ${item.spans} span(s) of yours there · ${item.status ?? "open"}` +
        " (click to compare with / carry from this version)",
      () => view.run(() => pickVersion(view, item.doc_id)),
      `an-version${on ? " an-on" : ""}`,
    );
    entry.dataset.docId = item.doc_id;
    entry.setAttribute("aria-pressed", String(on));
    const status = item.status ? `${STATUS_MARK[item.status] ?? ""} ${item.status}` : "open";
    entry.append(
      h("span", { cls: "an-version-sim", text: ` ${item.percent}%` }),
      h("span", { cls: "an-version-work", text: ` · ${item.spans} yours · ${status}` }),
    );
    return entry;
  });
  const diffOn = view.diff?.doc_id === doc.doc_id;
  const compare = button(
    diffOn ? "Hide differences" : "Show differences",
    "v: mark the text the picked version does not have",
    () => view.run(() => toggleDiff(view)),
    `an-diff-toggle${diffOn ? " an-on" : ""}`,
  );
  compare.setAttribute("aria-pressed", String(diffOn));
  const carryButton = button(
    "Carry my spans here",
    "V (Shift+v): your spans on the picked version become suggestions here",
    () => view.run(() => carry(view)),
    "an-carry",
  );
  carryButton.disabled = !picked || picked.spans === 0;
  // What to do first, then the versions (the default one first): the strip is at most two
  // rows tall and scrolls, so a story with many versions leaves the article its room and the
  // two buttons stay in sight.
  view.versionsBar.replaceChildren(
    h("span", { cls: "an-hint", text: items.length === 1 ? "Other version:" : "Other versions:" }),
    compare,
    carryButton,
    ...(view.carryReport ? [view.carryReport] : []),
    ...entries,
  );
}

/**
 * The version picked in the strip, else Python's default.
 * @param {AnnotatorView} view
 * @returns {Version | undefined}
 */
function pickedVersion(view) {
  const versions = view.versions;
  if (!versions || versions.doc_id !== view.doc?.doc_id) return undefined;
  const id = view.versionPick ?? versions.default;
  return versions.items.find((v) => v.doc_id === id) ?? versions.items[0];
}

/** @param {AnnotatorView} view @param {string} id */
async function pickVersion(view, id) {
  view.versionPick = id;
  if (view.diff) {
    view.diff = null;
    await toggleDiff(view);
    return;
  }
  view.markDirty("chrome");
}

/**
 * The version to compare with or carry from, finding the versions first if need be.
 * @param {AnnotatorView} view
 */
async function versionTarget(view) {
  const doc = view.doc;
  if (!(view.versions?.doc_id === doc.doc_id && view.versions.ready)) {
    view.say("Looking for other versions of this article…");
    view.versionsAsked = doc.doc_id;
    if (!(await view.request("versions", {}, { timeoutMs: VERSIONS_TIMEOUT_MS }))) return undefined;
    view.say(null);
  }
  const picked = pickedVersion(view);
  if (!picked) view.say("This article has no other versions in the project.");
  return picked;
}

/**
 * Mark (or stop marking) the text the picked version does not have.
 * @param {AnnotatorView} view
 */
export async function toggleDiff(view) {
  if (view.diff) {
    view.diff = null;
    view.say(null);
    view.markDirty("text");
    return;
  }
  const picked = await versionTarget(view);
  if (!picked) return;
  const reply = await view.request("diff", { other: picked.doc_id });
  if (!reply || reply.doc_id !== view.doc.doc_id) return;
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
  view.diff = diff;
  view.markDirty("text");
  view.say(
    `Marked ${diff.marks.length} place(s) not in “${clip(picked.title, 50)}” ` +
      `(${picked.percent}% alike); ‸ marks text only there. v hides it.`,
  );
}

/**
 * Carry the annotator's spans from the picked version here, as suggestions.
 * @param {AnnotatorView} view
 */
export async function carry(view) {
  const picked = await versionTarget(view);
  if (!picked) return;
  const reply = await view.request("project_version", { source: picked.doc_id });
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
  view.say(text);
  view.carryReport = h(
    "span",
    { cls: "an-carry-report", attrs: { "data-testid": "carry-report" } },
    [`${reply.carried} carried · ${left}`],
  );
  if (reply.left_out?.length) {
    view.carryReport.title = reply.left_out
      .map((/** @type {{layer: string, text: string, reason: string}} */ item) =>
        `${item.layer} “${item.text}”: ${item.reason}`)
      .join("\n");
  }
  view.markDirty("chrome");
}

/**
 * The difference view drawn over the article's text.
 * @param {DiffView} diff
 * @returns {import("../common/segments.js").Overlay<DiffMark>}
 */
export function diffOverlay(diff) {
  return { marks: diff.marks, gaps: diff.gaps, drawMark: diffMark, drawGap: diffGap };
}

/**
 * Text of this article that the other version lacks; the text stays a text node.
 * @param {DiffMark} mark @param {Text} piece
 */
function diffMark(mark, piece) {
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
function diffGap(gap) {
  return h("span", {
    cls: "an-diff-gap",
    title: `only in the other version: “${clip(gap.was, 160)}”`,
    attrs: { "data-diff": "delete" },
  });
}
