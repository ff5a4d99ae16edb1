/**
 * What the rule engine decides for one message: a plan, no I/O. The executor performs the sends;
 * the engine applies tags and the server disposition. Every action carries a stable id, so its
 * outcome is recorded once per (message, action) and a later run never repeats it.
 */
export type ForwardMode = 'attachment' | 'inline' | 'redirect';

export interface ForwardAction {
  readonly kind: 'forward';
  /** Stable within the message, e.g. "forward:0.1" (rule 0, action 1). */
  readonly id: string;
  readonly rule: string;
  readonly to: readonly string[];
  readonly as: ForwardMode;
}

export interface ReplyAction {
  readonly kind: 'reply';
  readonly id: string;
  readonly rule: string;
  /** Where the reply goes (Return-Path, else Reply-To, else From). */
  readonly to: string;
  /** Rendered, header-safe subject. */
  readonly subject: string;
  /** Rendered plain-text body. */
  readonly text: string;
}

export interface VacationAction {
  readonly kind: 'vacation';
  readonly id: string;
  /** The rule that asked for it, or null for the global `vacation:` block. */
  readonly rule: string | null;
  readonly to: string;
  /** Lower-case sender address: at most one reply per sender per `days`. */
  readonly sender: string;
  readonly days: number;
  readonly subject: string;
  readonly text: string;
}

export type SendAction = ForwardAction | ReplyAction | VacationAction;

export interface PlanNote {
  /** The action concerned, when there is one. */
  readonly action?: string;
  /** Why an action was suppressed or a rule could not be evaluated, in words. */
  readonly reason: string;
}

export interface MessagePlan {
  /** Rules whose conditions matched, in evaluation order. */
  readonly matched: readonly { readonly index: number; readonly name: string }[];
  readonly actions: readonly SendAction[];
  readonly tags: readonly string[];
  /** `keepOnServer` / `deleteFromServer` override the retention policy for this message. */
  readonly server: 'default' | 'keep' | 'delete';
  /** A `discard` matched: no forward or reply, the archive still keeps the message. */
  readonly discarded: boolean;
  readonly notes: readonly PlanNote[];
  /** Set when a mail loop stopped sends this message asked for: why (the run raises an alert). */
  readonly loop?: string;
}

export const emptyPlan: MessagePlan = {
  matched: [],
  actions: [],
  tags: [],
  server: 'default',
  discarded: false,
  notes: [],
};
