/**
 * Byte-level MIME reading for assertions, deliberately independent of mailparser: a parser that
 * normalised line ends or charsets would hide exactly the changes the tests look for.
 */

const CRLFCRLF = Buffer.from('\r\n\r\n');

export interface Entity {
  /** The header block, unfolded, one field per entry, names lower-case. */
  readonly headers: readonly { name: string; value: string }[];
  readonly body: Buffer;
}

const unfold = (block: string): { name: string; value: string }[] =>
  block
    .split(/\r\n(?![ \t])/)
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(':');
      return {
        name: line.slice(0, colon).trim().toLowerCase(),
        value: line
          .slice(colon + 1)
          .replace(/\r\n[ \t]/g, ' ')
          .trim(),
      };
    });

export const parseEntity = (raw: Buffer): Entity => {
  const end = raw.indexOf(CRLFCRLF);
  if (end < 0) return { headers: unfold(raw.toString('latin1')), body: Buffer.alloc(0) };
  return {
    headers: unfold(raw.subarray(0, end).toString('latin1')),
    body: raw.subarray(end + CRLFCRLF.length),
  };
};

export const header = (entity: Entity, name: string): string | undefined =>
  entity.headers.find((field) => field.name === name.toLowerCase())?.value;

export const headers = (entity: Entity, name: string): string[] =>
  entity.headers.filter((field) => field.name === name.toLowerCase()).map((field) => field.value);

const boundaryOf = (entity: Entity): string => {
  const match = /boundary="?([^";]+)"?/i.exec(header(entity, 'content-type') ?? '');
  if (!match?.[1]) throw new Error('not a multipart entity');
  return match[1];
};

/** The body parts of a multipart entity, each exactly the bytes between its delimiters. */
export const parts = (entity: Entity): Entity[] => {
  const delimiter = Buffer.from(`\r\n--${boundaryOf(entity)}`);
  // the first delimiter may sit at the very start of the body, without the CRLF in front
  const body = Buffer.concat([Buffer.from('\r\n'), entity.body]);
  const found: Entity[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const lineEnd = body.indexOf('\r\n', at + delimiter.length);
    const next = body.indexOf(delimiter, lineEnd);
    if (body.subarray(at + delimiter.length, at + delimiter.length + 2).toString() === '--') break;
    if (next < 0) break;
    found.push(parseEntity(body.subarray(lineEnd + 2, next)));
    at = next;
  }
  return found;
};

/** The body bytes with the Content-Transfer-Encoding undone (base64 only; 7bit/8bit as is). */
export const decodedBody = (entity: Entity): Buffer =>
  /base64/i.test(header(entity, 'content-transfer-encoding') ?? '')
    ? Buffer.from(entity.body.toString('ascii'), 'base64')
    : entity.body;
