import { type ParseArgsConfig, parseArgs } from 'node:util';
import { PopfwdError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with our error type: bad usage is EUSAGE (exit code 2). */
export const parseCommandArgs = <O extends Options>(
  args: readonly string[],
  options: O,
  usage: string,
  allowPositionals = false,
) => {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (cause) {
    throw new PopfwdError('EUSAGE', `${(cause as Error).message}\nusage: ${usage}`, { cause });
  }
};
