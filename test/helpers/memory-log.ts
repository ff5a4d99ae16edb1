import type { Log, LogFields, LogLevel } from '../../lambda/log.js';

export interface LogRecord {
  level: LogLevel;
  message: string;
  fields: LogFields;
}

/** Keeps every line in memory; for tests that assert on what was logged (and what never was). */
export const memoryLog = (
  records: LogRecord[] = [],
  base: LogFields = {},
): Log & { records: LogRecord[] } => {
  const write =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      records.push({ level, message, fields: { ...base, ...fields } });
    };
  return {
    records,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => memoryLog(records, { ...base, ...fields }),
  };
};
