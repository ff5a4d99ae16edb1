import { type ResourceContext, resourceUrl } from './resource-policy.js';

/**
 * CSS from a message (a style attribute or a <style> element), with every resource it would load
 * passed through the resource policy: url() values become the message's own part, a data: image,
 * an allowed remote URL, or an empty data: URL that loads nothing. @import is removed (the
 * viewer never loads a stylesheet from anywhere), and image-set() is disabled unless remote
 * content is allowed. This is the second line: the Content-Security-Policy of the mail frame is
 * what guarantees no other request.
 *
 * Backslashes outside strings are dropped first: CSS reads `\75 rl(` as `url(` and `@\69mport`
 * as `@import`, so an escaped name would slip past the patterns below. Mail has no use for
 * escaped identifiers; escapes inside strings (`content: "\2022"`) are kept.
 */

const URL_FUNCTION = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)"'\s]*))\s*\)/gi;
const IMPORT_RULE = /@import\b[^;]*;?/gi;
const IMAGE_SET = /((?:-webkit-)?image-set)\(/gi;
const QUOTED = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g;
const EMPTY = 'url("data:,")';

const STRING_OR_BACKSLASH = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\\/g;

const dropEscapesOutsideStrings = (css: string): string =>
  css.replace(STRING_OR_BACKSLASH, (token) => (token === '\\' ? '' : token));

const cssString = (text: string): string => `"${text.replace(/["\\\n\r]/g, '\\$&')}"`;

export const rewriteCss = (text: string, context: ResourceContext): string => {
  const css = dropEscapesOutsideStrings(text).replace(IMPORT_RULE, '');
  // The origins inside image-set("…") strings count as remote content too.
  for (const [, double, single] of css.matchAll(QUOTED)) {
    const value = double ?? single ?? '';
    if (/^(https?:)?\/\//i.test(value)) resourceUrl(value, context);
  }
  return (
    css
      .replace(URL_FUNCTION, (_match, double, single, bare) => {
        const target = resourceUrl(String(double ?? single ?? bare ?? ''), context);
        return target === null ? EMPTY : `url(${cssString(target)})`;
      })
      .replace(IMAGE_SET, (match) => (context.allowRemote ? match : 'x-popfwd-blocked('))
      // Inside <style>, "</" could end the element early; CSS reads "<\/" the same.
      .replaceAll('</', '<\\/')
  );
};
