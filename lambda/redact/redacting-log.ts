import type { Log, LogFields } from '../log.js';
import type { Redactor } from './redactor.js';

/**
 * The log sink's net: every message and field masked before it reaches the sink (the terminal,
 * Powertools). Server text is masked where it enters popfwd; this catches a line that quotes
 * such text some other way (a debug trace, a greeting, a foreign error's message).
 */
export const redactingLog = (log: Log, redactor: Redactor): Log => {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      if (fields === undefined) log[level](redactor.redact(message));
      else log[level](redactor.redact(message), redactor.redactValue(fields));
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => redactingLog(log.child(redactor.redactValue(fields)), redactor),
  };
};
