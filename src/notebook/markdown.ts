import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * What a note may contain: text formatting, headings, lists, tables, code, quotes, rules, links
 * and images — nothing else. An allowlist, so that an element or attribute no one thought of
 * (`srcset`, `poster`, `background`, `<video>`, `<source>`…) can never load anything: a note
 * arrives in shared links and files and must not fetch from, or report to, anywhere.
 */
const ALLOWED_TAGS = [
  ...['p', 'br', 'hr', 'span', 'div', 'blockquote', 'pre', 'code', 'kbd', 'samp', 'sub', 'sup'],
  ...['strong', 'b', 'em', 'i', 'u', 'del', 's', 'mark', 'small', 'abbr'],
  ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd'],
  ...['table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption'],
  ...['a', 'img'],
];
/** Attributes that name nothing to load (href and src are checked on their own below). */
const ALLOWED_ATTR = ['href', 'src', 'alt', 'title', 'colspan', 'rowspan', 'align', 'start'];

/** Links to web pages only; images only from the note itself. */
const SAFE_HREF = /^https?:\/\//i;
const SAFE_IMAGE = /^(data:image\/|blob:)/i;

let hooked = false;

/**
 * A note's Markdown as safe HTML: marked renders it (raw HTML in the text included), DOMPurify then
 * keeps only the allowlisted elements and attributes. Links are http(s) and open in a new tab
 * without handing it this page; images are data: or blob: URLs, so a note never fetches.
 */
export function renderMarkdown(text: string): string {
  if (!hooked) {
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      const href = node.getAttribute('href');
      if (href !== null && !(node.tagName === 'A' && SAFE_HREF.test(href.trim())))
        node.removeAttribute('href');
      const src = node.getAttribute('src');
      if (src !== null && !(node.tagName === 'IMG' && SAFE_IMAGE.test(src.trim())))
        node.removeAttribute('src');
      if (node.tagName === 'A' && node.hasAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    hooked = true;
  }
  const html = marked.parse(text, { async: false, gfm: true });
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: [...ALLOWED_ATTR, 'target', 'rel'],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  });
}
