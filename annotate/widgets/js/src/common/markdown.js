// @ts-check
/**
 * A small part of Markdown, drawn from text nodes: headings, paragraphs, lists, quotes, code,
 * **strong**, *emphasis*, `code` and [links](https://…). Guidelines are a project's text, so
 * they are never inserted as markup: every piece is an element made here with its text put in
 * through textContent, and a link keeps its address only when it is http(s) or mailto.
 */
import { h } from "./dom.js";

const INLINE = /(\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\))/;
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/**
 * The inline part of one block: text, strong, em, code and links.
 * @param {string} text
 * @returns {Node[]}
 */
export function inline(text) {
  /** @type {Node[]} */
  const nodes = [];
  let rest = text;
  while (rest) {
    const found = INLINE.exec(rest);
    if (!found) {
      nodes.push(document.createTextNode(rest));
      break;
    }
    if (found.index) nodes.push(document.createTextNode(rest.slice(0, found.index)));
    const [whole, , strong1, strong2, em1, em2, code, label, href] = found;
    if (strong1 !== undefined || strong2 !== undefined) {
      nodes.push(h("strong", {}, inline(strong1 ?? strong2)));
    } else if (em1 !== undefined || em2 !== undefined) {
      nodes.push(h("em", {}, inline(em1 ?? em2)));
    } else if (code !== undefined) {
      nodes.push(h("code", { text: code }));
    } else if (label !== undefined) {
      if (SAFE_LINK.test(href)) {
        const link = h("a", { attrs: { href, target: "_blank", rel: "noopener noreferrer" } }, inline(label));
        nodes.push(link);
      } else {
        nodes.push(...inline(label));
      }
    }
    rest = rest.slice(found.index + whole.length);
  }
  return nodes;
}

/**
 * Markdown text as a fragment of elements built from text.
 * @param {string} text
 * @returns {DocumentFragment}
 */
export function renderMarkdown(text) {
  const out = document.createDocumentFragment();
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  /** @type {string[]} */
  let paragraph = [];
  /** @type {HTMLElement | null} */
  let list = null;
  const flush = () => {
    if (paragraph.length) out.append(h("p", {}, inline(paragraph.join(" "))));
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    if (line.startsWith("```")) {
      flush();
      list = null;
      const code = [];
      for (i += 1; i < lines.length && !lines[i].startsWith("```"); i += 1) code.push(lines[i]);
      out.append(h("pre", {}, [h("code", { text: code.join("\n") })]));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    const quote = /^>\s?(.*)$/.exec(line);
    if (heading) {
      flush();
      list = null;
      const level = Math.min(6, heading[1].length + 2); // below the help's own headings
      out.append(h(`h${level}`, { cls: "an-md-h" }, inline(heading[2])));
    } else if (item) {
      flush();
      if (!list) {
        list = h(/^\s*\d/.test(line) ? "ol" : "ul");
        out.append(list);
      }
      list.append(h("li", {}, inline(item[1])));
    } else if (quote) {
      flush();
      list = null;
      out.append(h("blockquote", {}, inline(quote[1])));
    } else if (!line.trim()) {
      flush();
      list = null;
    } else if (list && /^\s+\S/.test(line)) {
      list.lastElementChild?.append(" ", ...inline(line.trim()));
    } else {
      list = null;
      paragraph.push(line.trim());
    }
  }
  flush();
  return out;
}
