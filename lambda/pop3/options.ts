import type { Clock } from '../clock.js';
import type { Security } from '../config/config-schema.js';
import type { Log } from '../log.js';
import type { ReplyRedactor } from './framing.js';
import type { PIPELINE_DEFAULTS, Pop3Timeouts } from './limits.js';

/** What the caller decides about one session; every bound has a default in limits.ts. */
export interface Pop3ClientOptions {
  readonly host: string;
  readonly port: number;
  readonly security: Security;
  /** Extra trusted CA (PEM); system roots stay trusted. */
  readonly ca?: string | Buffer;
  /** 'auto' pipelines when the server advertises PIPELINING. */
  readonly pipelining?: 'auto' | 'off';
  readonly timeouts?: Partial<Pop3Timeouts>;
  /**
   * Epoch ms by which the session is over, however slowly the server sends. In the last
   * `closeGraceMs` before it only QUIT is written; at it, whatever is still in flight is abandoned
   * and the connection dropped (which commits no deletion).
   */
  readonly deadline?: number;
  readonly pipeline?: Partial<typeof PIPELINE_DEFAULTS>;
  readonly log?: Log;
  readonly clock?: Clock;
  /** Masks the run's secrets in -ERR text and SASL challenges as they are read. */
  readonly redactor?: ReplyRedactor;
}
