import type { ChildNode } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';

/**
 * The text of an HTML body, for the reading pane's "Text" view of mail that has no text part
 * (mailparser converts only a top-level HTML body). Block elements become line breaks, table
 * cells tabs, and a link whose text is not its address keeps the address after it, so the page
 * can make it a link again. Markup is never interpreted: this is text, shown as text.
 */

const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tr',
  'ul',
]);
const SKIPPED = new Set(['head', 'title', 'script', 'style', 'template', 'svg', 'math']);

export const htmlText = (html: string): string => {
  const out: string[] = [];
  const atLineStart = () => /(^|\n)$/.test(out.at(-1) ?? '');
  const walk = (nodes: readonly ChildNode[], pre: boolean): void => {
    for (const node of nodes) {
      if (DomUtils.isText(node)) {
        const text = pre ? node.data : node.data.replace(/\s+/g, ' ');
        out.push(!pre && atLineStart() ? text.trimStart() : text);
        continue;
      }
      if (!DomUtils.isTag(node) || SKIPPED.has(node.name)) continue;
      const block = BLOCKS.has(node.name);
      if (block) out.push('\n');
      if ((node.name === 'td' || node.name === 'th') && !atLineStart()) out.push('\t');
      walk(node.children, pre || node.name === 'pre');
      const href = node.name === 'a' ? (node.attribs.href ?? '') : '';
      if (/^https?:\/\//i.test(href) && DomUtils.textContent(node).trim() !== href) {
        out.push(` <${href}>`);
      }
      if (block) out.push('\n');
    }
  };
  walk(parseDocument(html, { decodeEntities: true }).children, false);
  return out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
};
