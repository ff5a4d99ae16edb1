import * as z from 'zod';
import { parseDuration, parseSize } from './units.js';

/** A byte count written as 5242880, "5MB" or "512KiB". */
export const sizeSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const bytes = parseSize(value);
  if (bytes === null) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a size like "25MB" or "512KiB", got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return bytes;
});

/** A duration written as milliseconds, "90s", "5m" or "1h30m". */
export const durationSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration like "90s", "5m" or "1h", got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});
