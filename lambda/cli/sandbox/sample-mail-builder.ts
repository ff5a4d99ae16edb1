/** Small helpers that assemble the sandbox's sample messages as CRLF Buffers. */

export type HeaderList = readonly (readonly [name: string, value: string])[];

/** A Buffer body is used as is (8-bit charsets); a string body is UTF-8. Lines get CRLF. */
export const rfc822 = (headers: HeaderList, body: string | Buffer): Buffer => {
  const head = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  const text = Buffer.isBuffer(body) ? body : Buffer.from(crlf(body), 'utf8');
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'utf8'), text]);
};

/** LF → CRLF, and a final CRLF. */
export const crlf = (text: string): string =>
  `${text.replace(/\r?\n/g, '\r\n').replace(/(\r\n)?$/, '')}\r\n`;

/** Base64 in 76-character lines, as MIME writes it. */
export const base64Lines = (data: Buffer): string =>
  (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

/** RFC 2047 B-encoded word. */
export const encodedWord = (text: string, charset = 'UTF-8'): string =>
  `=?${charset}?B?${Buffer.from(text, charset === 'UTF-8' ? 'utf8' : 'latin1').toString('base64')}?=`;

/** One MIME part: headers, blank line, body. */
export const part = (headers: HeaderList, body: string): string =>
  `${headers.map(([name, value]) => `${name}: ${value}`).join('\n')}\n\n${body}`;

/** A multipart body from parts, with the closing delimiter. */
export const multipartBody = (boundary: string, parts: readonly string[], preamble = ''): string =>
  `${preamble ? `${preamble}\n` : ''}${parts.map((p) => `--${boundary}\n${p}\n`).join('')}--${boundary}--\n`;

/**
 * A minimal valid one-page PDF whose page shows `text`, with a correct xref table: the kind of
 * small invoice attachment the sandbox's rules can match on.
 */
export const tinyPdf = (text: string): Buffer => {
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
};

/** A 1×1 PNG (for an inline image in multipart/related). */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
