// Markdown from event files is untrusted (CONTRIBUTING.md, principle 6). markdown-it with
// html:false turns any HTML in the text into escaped text; DOMPurify then keeps only
// the elements markdown makes (TensorBoard's allowlist, without images: a text must
// not make the page fetch anything), and every link is checked and opens in a new tab.
import MarkdownIt from "markdown-it";
import DOMPurify from "dompurify";

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

const ALLOWED_TAGS = [
  "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
  "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
  "tr", "ul",
];
const ALLOWED_ATTR = ["href", "title", "start"];
const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

function sanitize(html: string): DocumentFragment {
  const frag = DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    RETURN_DOM_FRAGMENT: true,
  });
  for (const a of frag.querySelectorAll("a")) {
    const href = a.getAttribute("href") ?? "";
    let ok = false;
    try {
      ok = SAFE_PROTOCOLS.has(new URL(href, document.baseURI).protocol);
    } catch {
      ok = false;
    }
    if (!ok) a.removeAttribute("href");
    a.setAttribute("target", "_blank");
    a.setAttribute("rel", "noopener noreferrer");
  }
  return frag;
}

/** A markdown text as sanitized DOM nodes (block level: paragraphs, tables, code...). */
export function renderMarkdown(text: string): DocumentFragment {
  return sanitize(md.render(text));
}

/** One table cell's markdown, inline (emphasis, code, links), sanitized. */
export function renderInlineMarkdown(text: string): DocumentFragment {
  return sanitize(md.renderInline(text));
}
