/**
 * Says briefly how two versions of a message differ ("adds Status; body line 3: `From x` →
 * `>From x`"), for the notes of the interop report. Header fields are compared by name, the body
 * line by line up to the first difference.
 */

const SHOWN = 40;

interface Parsed {
  readonly fields: readonly { readonly name: string; readonly raw: string }[];
  readonly body: string;
}

const parse = (data: Buffer): Parsed => {
  const text = data.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const body = end === -1 ? '' : text.slice(end + 4);
  const fields: { name: string; raw: string }[] = [];
  for (const line of head.split('\r\n')) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) last.raw += `\r\n${line}`;
    else fields.push({ name: (line.split(':')[0] ?? '').trim(), raw: line });
  }
  return { fields, body };
};

/** Printable, short: control and 8-bit bytes as \xNN. */
export const printable = (text: string, max = SHOWN): string => {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(
    /[\x00-\x1f\x7f-\xff]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
};

const names = (fields: Parsed['fields']): string[] => fields.map((field) => field.name);

const headerChanges = (before: Parsed, after: Parsed): string[] => {
  const was = names(before.fields);
  const now = names(after.fields);
  const added = now.filter((name) => !was.includes(name));
  const removed = was.filter((name) => !now.includes(name));
  const changed = before.fields
    .filter((field) => {
      const other = after.fields.find((candidate) => candidate.name === field.name);
      return other !== undefined && other.raw !== field.raw;
    })
    .map((field) => {
      const other = after.fields.find((candidate) => candidate.name === field.name);
      return `${field.name} \`${printable(field.raw)}\` → \`${printable(other?.raw ?? '')}\``;
    });
  return [
    ...(added.length ? [`adds ${added.join(', ')}`] : []),
    ...(removed.length ? [`drops ${removed.join(', ')}`] : []),
    ...(changed.length ? [`changes ${changed.join('; ')}`] : []),
  ];
};

const bodyChange = (before: string, after: string): string | undefined => {
  if (before === after) return undefined;
  if (after.startsWith(before))
    return `appends \`${printable(after.slice(before.length))}\` at the end`;
  if (before.startsWith(after))
    return `drops \`${printable(before.slice(after.length))}\` at the end`;
  const was = before.split('\r\n');
  const now = after.split('\r\n');
  const at = was.findIndex((line, index) => line !== now[index]);
  const index = at === -1 ? was.length : at;
  return `body line ${index + 1}: \`${printable(was[index] ?? '(end)')}\` → \`${printable(now[index] ?? '(end)')}\``;
};

const field = (parsed: Parsed, name: string): string | undefined =>
  parsed.fields.find((candidate) => candidate.name.toLowerCase() === name)?.raw;

/** The Subject line of a message, printable. */
export const subjectOf = (data: Buffer): string =>
  printable(field(parse(data), 'subject') ?? '(no Subject)', 60);

/**
 * Whether `after` is a message the server generated in place of `before`, carrying it inside
 * (Courier's "Cannot display Unicode content" notice, say).
 */
const isSubstitute = (was: Parsed, now: Parsed): boolean => {
  const id = field(was, 'message-id');
  return id !== undefined && field(now, 'message-id') !== id && now.body.includes(id);
};

/** How `after` differs from `before`; undefined when they are the same bytes. */
export const describeDifference = (before: Buffer, after: Buffer): string | undefined => {
  if (before.equals(after)) return undefined;
  const was = parse(before);
  const now = parse(after);
  if (isSubstitute(was, now)) {
    return `as a substitute (\`${subjectOf(after)}\`) with the original inside`;
  }
  const changes = [...headerChanges(was, now), bodyChange(was.body, now.body)].filter(
    (change): change is string => change !== undefined,
  );
  return changes.length ? changes.join('; ') : `differs (${before.length} → ${after.length} bytes)`;
};
