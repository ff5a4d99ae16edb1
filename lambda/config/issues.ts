import type * as z from 'zod';
import { didYouMean } from '../did-you-mean.js';
import { isRecord } from '../is-record.js';
import { knownKeys } from './known-keys.js';

/** One problem in a config file: where (a readable path) and what was expected. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

/** `mailbox.pop3.port`, `rules[2] "boss to phone".then[0]`: names rules by their name. */
export const formatPath = (path: readonly PathSegment[], document: unknown): string => {
  let text = '';
  let node: unknown = document;
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
      node = Array.isArray(node) ? node[segment] : undefined;
      if (text.startsWith('rules[') && !text.slice(6).includes('[') && isRecord(node)) {
        if (typeof node.name === 'string') text += ` "${node.name}"`;
      }
    } else {
      const key = String(segment);
      text += text ? `.${key}` : key;
      node = isRecord(node) ? node[key] : undefined;
    }
  }
  return text || '(top level)';
};

const depth = (issues: readonly Issue[]): number =>
  Math.max(0, ...issues.map((issue) => issue.path.length));

/** For a union, the branch that got furthest explains best what was meant; else the union's own words. */
const flatten = (
  issue: Issue,
  base: readonly PathSegment[],
  schema: z.core.$ZodType | undefined,
): Array<{ path: PathSegment[]; message: string }> => {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branches = [...issue.errors].sort((a, b) => depth(b) - depth(a) || a.length - b.length);
    const best = branches[0];
    if (best && depth(best) > 0) return best.flatMap((inner) => flatten(inner, path, schema));
    return [{ path, message: issue.message }];
  }
  if (issue.code === 'unrecognized_keys') {
    const known = schema ? knownKeys(schema, path) : [];
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: `unknown field${didYouMean(key, known)}`,
    }));
  }
  return [{ path, message: humanize(issue) }];
};

const humanize = (issue: Issue): string => {
  if (issue.code === 'invalid_type') {
    return issue.message.includes('received undefined')
      ? `required: expected ${issue.expected}`
      : issue.message.replace(/^Invalid input: /, '');
  }
  return issue.message.replace(/^Invalid input: /, '').replace(/^Invalid option: /, '');
};

/** `schema`, when given, names the field an unknown one was probably meant to be. */
export const formatIssues = (
  issues: readonly Issue[],
  document: unknown,
  schema?: z.core.$ZodType,
): ConfigIssue[] => {
  const seen = new Set<string>();
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    for (const flat of flatten(issue, [], schema)) {
      const formatted = { path: formatPath(flat.path, document), message: flat.message };
      const key = `${formatted.path}\u0000${formatted.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(formatted);
      }
    }
  }
  return out;
};
