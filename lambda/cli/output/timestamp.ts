/**
 * ISO 8601 to the second with the local offset, `2026-12-06T06:02:07+01:00`: unambiguous in a
 * log read later or elsewhere, and still the owner's own wall clock.
 */
export const localTimestamp = (
  date: Date,
  offsetMinutes: number = -date.getTimezoneOffset(),
): string => {
  const wall = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const size = Math.abs(offsetMinutes);
  const hours = String(Math.floor(size / 60)).padStart(2, '0');
  const minutes = String(size % 60).padStart(2, '0');
  return `${wall}${offsetMinutes < 0 ? '-' : '+'}${hours}:${minutes}`;
};
