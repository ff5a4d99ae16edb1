/**
 * The Content-Security-Policy of the two kinds of document the viewer serves. Each names exact
 * URL prefixes (the token included) rather than 'self', so that even a same-origin URL the mail
 * could aim at (`../../search?q=…`) is not loadable from where it does not belong.
 */

/** The viewer's own page: its scripts and styles from /assets/, data from /api/, mail in frames. */
export const pageCsp = (base: string): string =>
  [
    "default-src 'none'",
    `script-src ${base}assets/`,
    `style-src ${base}assets/`,
    `img-src ${base}assets/ data:`,
    `connect-src ${base}api/`,
    `frame-src ${base}api/m/`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

/**
 * A message's HTML, shown in the page's sandboxed frame. No script at all; inline styles (mail
 * depends on them); images from the message itself (`cid:` parts under `cidBase`) and `data:`;
 * remote images and fonts only from `remoteOrigins`, empty unless the owner chose "load remote
 * content" for this message. `sandbox` repeats the frame's own sandbox so the document is just
 * as inert when opened on its own in a tab; links may open (user clicks) outside the sandbox.
 */
export const mailCsp = (options: {
  readonly pageOrigin: string;
  readonly cidBase: string;
  readonly remoteOrigins: readonly string[];
}): string => {
  const remote = options.remoteOrigins.join(' ');
  return [
    "default-src 'none'",
    `img-src data: ${options.cidBase} ${remote}`.trim(),
    `font-src data: ${remote}`.trim(),
    "style-src 'unsafe-inline'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${options.pageOrigin}`,
    'sandbox allow-popups allow-popups-to-escape-sandbox',
  ].join('; ');
};
