/**
 * The logging port. The engine logs through this; the CLI prints readable lines, the Lambda adapts
 * Powertools Logger (JSON). Fields carry context (mailbox, uidl, command); secrets never reach them:
 * they are masked where a command is written, and where a server's text that echoes one is read
 * (lambda/redact/), not scrubbed afterwards; redactingLog is only the net behind that.
 */
export type LogFields = Readonly<Record<string, unknown>>;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Log {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{ uidl }`). */
  child(fields: LogFields): Log;
}

export const silentLog: Log = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLog,
};
