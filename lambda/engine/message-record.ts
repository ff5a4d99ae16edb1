import type { MessageMeta } from '../mail/message-meta.js';
import type { MessagePlan } from '../rules/plan.js';
import type { ActionState } from './ledger-types.js';

/**
 * The per-message document beside the raw `.eml`: what `popfwd archive list` shows without
 * re-parsing, and the rule outcome. Written when the message is archived and again when its
 * sends are final.
 */
export interface MessageRecord {
  readonly v: 1;
  readonly id: string;
  readonly meta: MessageMeta;
  readonly rules:
    | { readonly status: 'evaluated'; readonly plan: MessagePlan }
    | { readonly status: 'failed'; readonly error: string };
  readonly tags: readonly string[];
  /** Final outcome of each send, copied from the ledger once nothing is pending. */
  readonly actions: Readonly<Record<string, ActionState>>;
  readonly updatedAt: string;
}

export const encodeRecord = (record: MessageRecord): Buffer =>
  Buffer.from(JSON.stringify(record), 'utf8');

export const decodeRecord = (body: Buffer): MessageRecord | null => {
  try {
    const value = JSON.parse(body.toString('utf8')) as MessageRecord;
    return value?.v === 1 && typeof value.meta?.sha256 === 'string' ? value : null;
  } catch {
    return null;
  }
};
