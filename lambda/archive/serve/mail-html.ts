import { type ChildNode, type Element, type ParentNode, Text } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';
import { rewriteCss } from './css-urls.js';
import { type CidResolver, linkUrl, type ResourceContext, resourceUrl } from './resource-policy.js';

/**
 * A message's HTML made fit for the viewer's mail frame. The frame is sandboxed without scripts
 * and its document carries a strict Content-Security-Policy; those are what keep mail inert.
 * This rewrite is the layer in front of them, and the place that knows what the mail would load:
 * - elements that run, embed, navigate or load (script, iframe, object, link, meta, base, form
 *   targets, media, svg and math, whose parsing differs between parsers) are removed;
 * - event handler attributes and those that send requests or override the referrer policy are
 *   removed;
 * - `cid:` images point to the message's own parts; remote images, backgrounds and fonts are
 *   removed unless remote content was allowed, and their origins are collected either way;
 * - links keep only web, mail and phone targets, and open in a new tab without a Referer.
 */

export interface MailHtmlOptions {
  readonly cid: CidResolver;
  readonly allowRemote: boolean;
}

export interface MailHtml {
  /** A whole document, UTF-8. */
  readonly html: string;
  /** Origins (scheme, host, port) of the remote images and fonts the mail refers to, sorted. */
  readonly remoteOrigins: readonly string[];
}

/** Removed with everything inside. */
const DROPPED = new Set([
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'link',
  'meta',
  'base',
  'svg',
  'math',
  'xmp',
  'plaintext',
  'noembed',
  'noframes',
  'template',
  'portal',
  'fencedframe',
  'audio',
  'video',
  'source',
  'track',
  'canvas',
]);

/** Kept as a plain container: their content is ordinary markup once they are out. */
const NEUTRALISED: Readonly<Record<string, string>> = { noscript: 'div', form: 'div' };

const DROPPED_ATTRIBUTES = new Set([
  'srcdoc',
  'action',
  'formaction',
  'ping',
  'referrerpolicy',
  'integrity',
  'http-equiv',
  'nonce',
  'autofocus',
  'target',
  'rel',
  'xmlns',
  'attributionsrc',
]);

/** Attributes that load an image (or would, in some browser, in some decade). */
const RESOURCE_ATTRIBUTES = new Set(['src', 'lowsrc', 'dynsrc', 'background', 'poster']);

const SAFE_NAME = /^[a-z][a-z0-9_.:-]*$/;

const srcset = (value: string, context: ResourceContext): string | null => {
  const kept = value
    .split(',')
    .map((candidate) => candidate.trim().split(/\s+/))
    .map(([url = '', ...descriptor]) => {
      const target = resourceUrl(url, context);
      return target === null ? null : [target, ...descriptor].join(' ');
    })
    .filter((candidate): candidate is string => candidate !== null);
  return kept.length > 0 ? kept.join(', ') : null;
};

const rewriteAttributes = (element: Element, context: ResourceContext): void => {
  const rewritten: Record<string, string> = {};
  for (const [name, value] of Object.entries(element.attribs)) {
    if (!SAFE_NAME.test(name) || name.startsWith('on') || DROPPED_ATTRIBUTES.has(name)) continue;
    if (name === 'style') {
      rewritten[name] = rewriteCss(value, context);
    } else if (name === 'srcset') {
      const kept = srcset(value, context);
      if (kept !== null) rewritten[name] = kept;
    } else if (RESOURCE_ATTRIBUTES.has(name) || name === 'data' || name.endsWith(':href')) {
      const kept = RESOURCE_ATTRIBUTES.has(name) ? resourceUrl(value, context) : null;
      if (kept !== null) rewritten[name] = kept;
    } else if (name === 'href') {
      const kept = element.name === 'a' || element.name === 'area' ? linkUrl(value) : null;
      if (kept !== null) rewritten[name] = kept;
    } else {
      rewritten[name] = value;
    }
  }
  const href = rewritten.href;
  if (href !== undefined && !href.startsWith('#')) {
    rewritten.target = '_blank';
    rewritten.rel = 'noopener noreferrer';
  }
  element.attribs = rewritten;
};

const rewriteChildren = (parent: ParentNode, context: ResourceContext): void => {
  for (const node of [...parent.children] as ChildNode[]) {
    if (DomUtils.isText(node)) continue;
    if (!DomUtils.isTag(node)) {
      // Comments (Outlook's conditional markup included), doctypes, CDATA.
      DomUtils.removeElement(node);
      continue;
    }
    const name = node.name.toLowerCase();
    if (DROPPED.has(name) || !SAFE_NAME.test(name)) {
      DomUtils.removeElement(node);
      continue;
    }
    node.name = NEUTRALISED[name] ?? name;
    rewriteAttributes(node, context);
    if (name === 'style') {
      const css = node.children.map((child) => (DomUtils.isText(child) ? child.data : '')).join('');
      node.children = [];
      DomUtils.appendChild(node, new Text(rewriteCss(css, context)));
      continue;
    }
    rewriteChildren(node, context);
  }
};

/**
 * Mail is written for a white page: the frame keeps one in dark mode too (as mail programs do),
 * and long unbroken strings wrap instead of widening the frame.
 */
const FRAME_HEAD =
  '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
  '<style>html{background:#fff;color:#111;color-scheme:light}body{margin:0;padding:12px 16px;overflow-wrap:anywhere}</style>';

export const mailHtml = (html: string, options: MailHtmlOptions): MailHtml => {
  const origins = new Set<string>();
  const context: ResourceContext = { cid: options.cid, allowRemote: options.allowRemote, origins };
  const document = parseDocument(html, {
    decodeEntities: true,
    lowerCaseTags: true,
    lowerCaseAttributeNames: true,
  });
  rewriteChildren(document, context);
  const body = DomUtils.getOuterHTML(document.children, { encodeEntities: 'utf8' });
  return { html: `${FRAME_HEAD}${body}`, remoteOrigins: [...origins].sort() };
};
