import DOMPurify from 'dompurify';
import { marked } from 'marked';

let hooked = false;

/**
 * A note's Markdown as safe HTML: marked renders it (raw HTML in the text included), DOMPurify then
 * removes scripts, event handlers, `javascript:` URLs, forms and styles. Images load only from
 * `data:` URLs, so a note never fetches from another origin; links open in a new tab without
 * handing it this page.
 */
export function renderMarkdown(text: string): string {
  if (!hooked) {
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'IMG' && !/^data:image\//i.test(node.getAttribute('src') ?? '')) {
        node.removeAttribute('src');
      }
      if (node.tagName === 'A' && node.hasAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    hooked = true;
  }
  const html = marked.parse(text, { async: false, gfm: true });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: [
      'style',
      'form',
      'input',
      'button',
      'textarea',
      'select',
      'iframe',
      'object',
      'embed',
    ],
    FORBID_ATTR: ['style'],
  });
}
