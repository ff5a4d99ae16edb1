/**
 * The options the archive commands share: the filters (`archive list`, `search`, `export`),
 * declared once so the parser, the help and the README say the same.
 */
import type { OptionSpec } from './option-spec.js';

export const FILTER_OPTIONS = {
  from: {
    type: 'string',
    value: 'GLOB',
    description:
      'a From address or name matches, case-insensitive; * and ? are wildcards (--from "*@example.org")',
  },
  to: {
    type: 'string',
    value: 'GLOB',
    description: 'a To, Cc or Resent- address or name matches (as --from)',
  },
  subject: {
    type: 'string',
    value: 'TEXT',
    description: 'the subject contains TEXT, case-insensitive',
  },
  since: {
    type: 'string',
    value: 'DATE',
    description:
      "dated on or after DATE: 2026-11-30 (UTC day) or 2026-11-30T08:00:00+01:00; a message's date is its Date header, else when it was archived",
  },
  until: {
    type: 'string',
    value: 'DATE',
    description:
      'dated before DATE; a day (2026-11-30) is included whole, a time (…T08:00:00Z) is not',
  },
  tag: { type: 'string', value: 'T', description: 'the rules gave it tag T' },
  larger: {
    type: 'string',
    value: 'SIZE',
    description: 'archived size over SIZE, e.g. 1MB, 500KiB, 2048',
  },
} as const satisfies Record<string, OptionSpec>;
