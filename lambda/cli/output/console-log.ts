import type { Writable } from 'node:stream';
import { LOG_LEVELS, type Log, type LogFields, type LogLevel } from '../../log.js';

const render = (value: unknown): string => {
  if (typeof value === 'string')
    return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (value instanceof Error) return JSON.stringify(value.message);
  return JSON.stringify(value) ?? String(value);
};

const clock = (): string => new Date().toISOString().slice(11, 19);

export interface ConsoleLogOptions {
  readonly level: LogLevel;
  /** The time at the start of each line. @default the UTC time of day, `12:00:01` */
  readonly stamp?: () => string;
  /** Called before a line is written, e.g. to clear a progress bar; and after. */
  readonly around?: (write: () => void) => void;
}

/** Readable lines for the terminal: `12:00:01 warn  message key=value …`. */
export const consoleLog = (
  out: Writable,
  options: ConsoleLogOptions,
  base: LogFields = {},
): Log => {
  const threshold = LOG_LEVELS.indexOf(options.level);
  const stamp = options.stamp ?? clock;
  const line =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const { mailbox: _mailbox, ...rest } = { ...base, ...fields };
      const extra = Object.entries(rest)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${render(value)}`)
        .join(' ');
      const text = `${stamp()} ${level.padEnd(5)} ${message}${extra ? ` ${extra}` : ''}\n`;
      const write = () => out.write(text);
      if (options.around) options.around(write);
      else write();
    };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (fields) => consoleLog(out, options, { ...base, ...fields }),
  };
};
