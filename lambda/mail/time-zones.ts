/**
 * Time zone names found in real Date headers, as minutes east of UTC. A name that is not here
 * means "-0000", as RFC 5322 §4.3 asks: the time is read as UTC.
 */

/**
 * RFC 5322 §4.3 obsolete zones, plus the abbreviations mailers still write for zones whose meaning
 * is not in doubt. Ambiguous ones (IST: India, Israel or Ireland; BST: Britain or Bangladesh is
 * kept as Britain, by far the more common in mail) are left out or resolved the common way.
 */
const ABBREVIATIONS: Readonly<Record<string, number>> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  // North America beyond RFC 822 (AST as Python reads it: Atlantic)
  AST: -240,
  ADT: -180,
  NST: -210,
  NDT: -150,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  // Europe
  WET: 0,
  WEST: 60,
  BST: 60,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  MEZ: 60,
  MESZ: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  // Asia and Oceania
  HKT: 480,
  SGT: 480,
  JST: 540,
  KST: 540,
  AWST: 480,
  ACST: 570,
  ACDT: 630,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
};

/**
 * Windows time zone names ("Eastern Standard Time"), which Outlook Express, old Exchange and .NET
 * programs wrote where the offset belongs, with their standard offset. The "Daylight Time" name of
 * each is an hour later (Lord Howe: half an hour). Offsets are today's; the few zones that moved
 * since (Venezuela, Morocco, Jordan) may be an hour off for old mail.
 */
const WINDOWS_STANDARD: ReadonlyArray<readonly [name: string, minutes: number]> = [
  ['Dateline', -720],
  ['Aleutian', -600],
  ['Hawaiian', -600],
  ['Marquesas', -570],
  ['Alaskan', -540],
  ['Pacific', -480],
  ['US Mountain', -420],
  ['Mountain', -420],
  ['Yukon', -420],
  ['Central America', -360],
  ['Central', -360],
  ['Easter Island', -360],
  ['Canada Central', -360],
  ['SA Pacific', -300],
  ['Eastern', -300],
  ['US Eastern', -300],
  ['Haiti', -300],
  ['Cuba', -300],
  ['Turks And Caicos', -300],
  ['Paraguay', -240],
  ['Atlantic', -240],
  ['Venezuela', -240],
  ['Central Brazilian', -240],
  ['SA Western', -240],
  ['Pacific SA', -240],
  ['Newfoundland', -210],
  ['Tocantins', -180],
  ['E. South America', -180],
  ['SA Eastern', -180],
  ['Argentina', -180],
  ['Greenland', -180],
  ['Montevideo', -180],
  ['Magallanes', -180],
  ['Saint Pierre', -180],
  ['Bahia', -180],
  ['Mid-Atlantic', -120],
  ['Azores', -60],
  ['Cape Verde', -60],
  ['GMT', 0],
  ['Greenwich', 0],
  ['Sao Tome', 0],
  ['Morocco', 0],
  ['W. Europe', 60],
  ['Central Europe', 60],
  ['Romance', 60],
  ['Central European', 60],
  ['W. Central Africa', 60],
  ['Jordan', 120],
  ['GTB', 120],
  ['Middle East', 120],
  ['Egypt', 120],
  ['E. Europe', 120],
  ['Syria', 120],
  ['West Bank', 120],
  ['South Africa', 120],
  ['FLE', 120],
  ['Israel', 120],
  ['Jerusalem', 120],
  ['South Sudan', 120],
  ['Kaliningrad', 120],
  ['Sudan', 120],
  ['Libya', 120],
  ['Namibia', 120],
  ['Arabic', 180],
  ['Turkey', 180],
  ['Arab', 180],
  ['Belarus', 180],
  ['Russian', 180],
  ['E. Africa', 180],
  ['Volgograd', 180],
  ['Iran', 210],
  ['Arabian', 240],
  ['Astrakhan', 240],
  ['Azerbaijan', 240],
  ['Mauritius', 240],
  ['Saratov', 240],
  ['Georgian', 240],
  ['Caucasus', 240],
  ['Afghanistan', 270],
  ['West Asia', 300],
  ['Ekaterinburg', 300],
  ['Pakistan', 300],
  ['Qyzylorda', 300],
  ['India', 330],
  ['Sri Lanka', 330],
  ['Nepal', 345],
  ['Central Asia', 360],
  ['Bangladesh', 360],
  ['Omsk', 360],
  ['Myanmar', 390],
  ['SE Asia', 420],
  ['Altai', 420],
  ['W. Mongolia', 420],
  ['North Asia', 420],
  ['N. Central Asia', 420],
  ['Tomsk', 420],
  ['China', 480],
  ['North Asia East', 480],
  ['Singapore', 480],
  ['Malay Peninsula', 480],
  ['W. Australia', 480],
  ['Taipei', 480],
  ['Ulaanbaatar', 480],
  ['Aus Central W.', 525],
  ['Transbaikal', 540],
  ['Tokyo', 540],
  ['North Korea', 540],
  ['Korea', 540],
  ['Yakutsk', 540],
  ['Cen. Australia', 570],
  ['AUS Central', 570],
  ['E. Australia', 600],
  ['AUS Eastern', 600],
  ['West Pacific', 600],
  ['Tasmania', 600],
  ['Vladivostok', 600],
  ['Lord Howe', 630],
  ['Bougainville', 660],
  ['Magadan', 660],
  ['Norfolk', 660],
  ['Sakhalin', 660],
  ['Central Pacific', 660],
  ['New Zealand', 720],
  ['Fiji', 720],
  ['Kamchatka', 720],
  ['Chatham Islands', 765],
  ['Tonga', 780],
  ['Samoa', 780],
  ['Line Islands', 840],
];

/** Lower case, single spaces: how names are compared. */
export const zoneKey = (name: string): string => name.trim().toLowerCase().replace(/\s+/g, ' ');

const LONG_NAMES: ReadonlyMap<string, number> = new Map([
  ...WINDOWS_STANDARD.flatMap(([name, minutes]): [string, number][] => [
    [zoneKey(`${name} Standard Time`), minutes],
    [zoneKey(`${name} Daylight Time`), minutes + (name === 'Lord Howe' ? 30 : 60)],
  ]),
  // Windows' own names for UTC, and the long names other systems print
  ['coordinated universal time', 0],
  ['greenwich mean time', 0],
  ['british summer time', 60],
  ['central european time', 60],
  ['central european summer time', 120],
  ['eastern european time', 120],
  ['eastern european summer time', 180],
  ['western european time', 0],
  ['western european summer time', 60],
]);

/** The longest name a zone has, in words: how far the date parser looks ahead. */
export const MAX_ZONE_WORDS = 6;

/**
 * The offset of a zone abbreviation or name, or undefined when unknown. Military letters other
 * than Z are known as UTC: RFC 822 had their signs backwards, so RFC 5322 reads them as "-0000".
 */
export const zoneOffset = (name: string): number | undefined => {
  const upper = name.toUpperCase();
  if (Object.hasOwn(ABBREVIATIONS, upper)) return ABBREVIATIONS[upper];
  if (/^[A-IK-Z]$/.test(upper)) return 0;
  return LONG_NAMES.get(zoneKey(name));
};
