import { Logger } from '@aws-lambda-powertools/logger';
import type { Log, LogFields } from '../log.js';
import { METRICS_SERVICE } from './metric-names.js';

/**
 * JSON lines through Powertools Logger, every line keyed by `mailbox`. The level comes from
 * POWERTOOLS_LOG_LEVEL (set by the CDK construct), read by Logger itself.
 */
export const createLambdaLogger = (mailbox: string): Logger =>
  new Logger({ serviceName: METRICS_SERVICE, persistentKeys: { mailbox } });

/** The engine's Log port over a Powertools Logger; `child({ uidl })` keys every later line. */
export const powertoolsLog = (logger: Logger): Log => {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      if (fields) logger[level](message, fields);
      else logger[level](message);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => powertoolsLog(logger.createChild({ persistentKeys: fields })),
  };
};
