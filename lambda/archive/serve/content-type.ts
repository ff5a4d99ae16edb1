/**
 * A part's declared type, as a response's Content-Type: only a well-formed `type/subtype`
 * (no parameters, no line breaks, nothing a header could be split on), else a plain download.
 */
export const safeContentType = (declared: string): string =>
  /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i.test(declared)
    ? declared.toLowerCase()
    : 'application/octet-stream';

/** Types an <img> may be given from a message's own parts. */
export const isImageType = (type: string): boolean => /^image\/[a-z0-9.+-]+$/.test(type);
