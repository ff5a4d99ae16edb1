import type { MessageMeta } from '../mail/message-meta.js';
import { RULE_LIMITS } from './limits.js';

/**
 * Reply and vacation templates: `{{subject}}`, `{{from}}` … filled from the message being
 * answered. Every substituted value comes from a stranger, so it is flattened to one line of
 * printable text and cut short: nothing it contains can start a header or a new line.
 */
export const TEMPLATE_FIELDS = {
  from: 'the sender, "Name <address>"',
  fromName: "the sender's display name (else the address)",
  fromAddress: "the sender's address",
  subject: "the message's subject",
  date: "the message's date",
  until: 'the last day of your vacation (vacation.until)',
} as const;

export type TemplateField = keyof typeof TEMPLATE_FIELDS;
export type TemplateValues = Readonly<Record<TemplateField, string>>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const isField = (name: string): name is TemplateField => Object.hasOwn(TEMPLATE_FIELDS, name);

/** Problems with a template's placeholders, in words; [] when it is fine. */
export const templateProblems = (template: string): string[] => {
  const problems: string[] = [];
  for (const [, name = ''] of template.matchAll(PLACEHOLDER)) {
    if (!isField(name)) {
      problems.push(
        `unknown placeholder {{${name}}}; known: ${Object.keys(TEMPLATE_FIELDS)
          .map((field) => `{{${field}}}`)
          .join(', ')}`,
      );
    }
  }
  return problems;
};

// C0 and C1 controls, DEL, line/paragraph separators and bidi overrides: nothing a header or a
// single line of text may carry.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One line of printable text, at most `max` characters. */
export const singleLine = (value: string, max: number): string => {
  const flat = value.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
};

const fill = (template: string, values: TemplateValues): string =>
  template.replace(PLACEHOLDER, (whole, name: string) =>
    isField(name) ? singleLine(values[name], RULE_LIMITS.maxTemplateValueLength) : whole,
  );

/** A header-safe subject; `fallback` when the result would be empty. */
export const renderSubject = (template: string, values: TemplateValues, fallback: string): string =>
  singleLine(fill(template, values), RULE_LIMITS.maxSubjectLength) || fallback;

/** A plain-text body: the owner's line breaks kept, substituted values on one line each. */
export const renderBody = (template: string, values: TemplateValues): string =>
  fill(template, values).replace(/\r\n?/g, '\n');

const formatDate = (iso: string | null): string => {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toUTCString();
};

export const templateValues = (meta: MessageMeta, until: string | null): TemplateValues => {
  const sender = meta.from[0];
  const address = sender?.address ?? '';
  const name = sender?.name ?? '';
  return {
    from: name && address ? `${name} <${address}>` : name || address,
    fromName: name || address,
    fromAddress: address,
    subject: meta.subject,
    date: formatDate(meta.date),
    until: until ? until.slice(0, 10) : '',
  };
};
