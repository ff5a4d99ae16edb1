import { readFile } from 'node:fs/promises';
import { PopfwdError } from '../errors.js';

/** The extra trusted CA of `mailbox.caFile` (PEM), or undefined when none is configured. */
export const readCaFile = async (caFile: string | undefined): Promise<Buffer | undefined> => {
  if (!caFile) return undefined;
  try {
    return await readFile(caFile);
  } catch (cause) {
    throw new PopfwdError('ECONFIG', `mailbox.caFile ${caFile} cannot be read`, {
      cause,
      context: { path: 'mailbox.caFile' },
    });
  }
};
