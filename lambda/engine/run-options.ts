import type { Config } from '../config/config-schema.js';
import type { Log } from '../log.js';
import type { Redactor } from '../redact/redactor.js';
import type { RunPorts } from './run-ports.js';

/**
 * What a run is doing, for the CLI's progress display. The fetch counts against what this run
 * will fetch (`total`, after the run's limits), with the new mail on the server beside it, so a
 * limit that leaves mail for the next run shows as such.
 */
export type RunProgress =
  | { readonly phase: 'connect'; readonly host: string; readonly port: number }
  | { readonly phase: 'login' }
  | { readonly phase: 'list' }
  | {
      readonly phase: 'fetch';
      readonly done: number;
      /** Messages this run will fetch: the new ones the limits let through. */
      readonly total: number;
      /** Bytes archived so far. */
      readonly bytes: number;
      /** The LIST sizes of the `total` messages. */
      readonly totalBytes: number;
      /** New messages on the server that any run may fetch (not over maxMessageSize). */
      readonly waiting: number;
    }
  | { readonly phase: 'delete'; readonly total: number }
  /** Sends this run has attempted, of those attempted plus those due now (it grows as mail arrives). */
  | { readonly phase: 'send'; readonly done: number; readonly total: number }
  /** The POP3 session is closed: what is left is sending and saving the state. */
  | { readonly phase: 'finish' }
  | { readonly phase: 'done' };

/**
 * Everything one run needs: the adapters (RunPorts) and what the shell decides for this run. The
 * Lambda handler and the CLI build this and call runMailbox.
 */
export interface RunOptions extends RunPorts {
  readonly config: Config;
  readonly log: Log;
  /**
   * Epoch ms by which the shell needs the run finished (QUIT sent, state saved); none: only
   * limits.runTimeout bounds it. The engine derives every stop from it (run-budget.ts).
   */
  readonly deadline?: number;
  readonly onProgress?: (progress: RunProgress) => void;
  readonly signal?: AbortSignal;
  /**
   * Learns every secret the run reads or is given (password, tokens), so the caller can mask them
   * in what it prints after the run too. The run makes its own when none is given.
   */
  readonly redactor?: Redactor;
}
