/**
 * What a URL in a message may become in the page. Parsed with the WHATWG URL parser, the one the
 * browser uses, so `java\tscript:`, `JaVaScript:` or a URL with leading control characters is
 * judged as the browser would read it.
 */

/** Where a message's own inline parts are served: `cid:` URLs point here. */
export type CidResolver = (contentId: string) => string | null;

export interface ResourceContext {
  readonly cid: CidResolver;
  /** Remote images and fonts stay in the markup (the CSP still limits them to `origins`). */
  readonly allowRemote: boolean;
  /** Origins of remote resources met so far (filled in as URLs are judged). */
  readonly origins: Set<string>;
}

/** `//host/x` is remote too: in the viewer it would resolve against http://127.0.0.1. */
const absolute = (value: string): URL | null => {
  const trimmed = value.trim();
  try {
    return new URL(trimmed.startsWith('//') ? `http:${trimmed}` : trimmed);
  } catch {
    return null;
  }
};

/** RFC 2392: a cid URL is the Content-ID, percent-encoded. */
const contentIdOf = (url: URL): string => {
  const id = url.href.slice('cid:'.length);
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
};

/**
 * An image, background or font URL: the message's own part for `cid:`, a `data:` image as is,
 * a remote http(s) URL kept only when remote content is allowed (its origin is recorded either
 * way), and nothing for anything else (relative URLs, `javascript:`, `file:`, …).
 */
export const resourceUrl = (value: string, context: ResourceContext): string | null => {
  const url = absolute(value);
  if (!url) return null;
  if (url.protocol === 'cid:') return context.cid(contentIdOf(url));
  if (url.protocol === 'data:') return /^data:image\//i.test(url.href) ? url.href : null;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  context.origins.add(url.origin);
  return context.allowRemote ? url.href : null;
};

/**
 * A link: web, mail and phone links stay (opened in a new tab, without a Referer); a same-page
 * `#anchor` stays; anything else (`javascript:`, `data:`, relative paths into the viewer) is
 * removed.
 */
export const linkUrl = (value: string): string | null => {
  const trimmed = value.trim();
  if (/^#[^\s]*$/.test(trimmed)) return trimmed;
  const url = absolute(trimmed);
  if (!url) return null;
  return ['http:', 'https:', 'mailto:', 'tel:'].includes(url.protocol) ? url.href : null;
};
