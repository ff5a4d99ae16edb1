import { format } from 'node:util';
import type { Log } from '../log.js';

/**
 * nodemailer's bunyan-style logger, bridged to our Log at debug level: its protocol trace is for
 * diagnosis, failures reach the run through classifySendError. nodemailer masks credentials where
 * it writes a command (an AUTH payload is logged as a "secret" placeholder); message data is never
 * logged because the transport runs with `transactionLog`, not `debug`.
 */
const KEPT_FIELDS = ['tnx', 'cid', 'sid', 'messageId', 'action', 'method'] as const;

const pick = (entry: unknown): Record<string, unknown> => {
  if (typeof entry !== 'object' || entry === null) return {};
  const source = entry as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const name of KEPT_FIELDS) {
    if (source[name] !== undefined) fields[name] = source[name];
  }
  return fields;
};

const line =
  (log: Log) =>
  (entry: unknown, message?: unknown, ...args: unknown[]): void => {
    log.debug(format(typeof message === 'string' ? message : '', ...args), pick(entry));
  };

export const nodemailerLogger = (log: Log) => {
  const write = line(log.child({ component: 'smtp' }));
  return { trace: write, debug: write, info: write, warn: write, error: write, fatal: write };
};
