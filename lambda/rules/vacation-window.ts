import type { VacationConfig } from './vacation-config.js';

const DAY = 86_400_000;

/**
 * `until: 2026-12-31` means through the end of that day: a date without a time (midnight UTC
 * after parsing) ends a day later. An explicit time is taken as written.
 */
export const vacationEnd = (until: string): number => {
  const time = Date.parse(until);
  return time % DAY === 0 ? time + DAY : time;
};

const day = (iso: string): string => iso.slice(0, 10);

/** Why the vacation is not on at `now` (epoch ms), or null while it is. */
export const vacationWindowReason = (
  vacation: Pick<VacationConfig, 'from' | 'until'>,
  now: number,
): string | null => {
  if (vacation.from && now < Date.parse(vacation.from)) {
    return `the vacation starts on ${day(vacation.from)}`;
  }
  if (vacation.until && now >= vacationEnd(vacation.until)) {
    return `the vacation ended on ${day(vacation.until)}`;
  }
  return null;
};
