/** The notes of the interop matrix: what a server does to the corpus, what popfwd did. */
import { type InteropMessage, recognize } from './corpus.js';
import { describeDifference, subjectOf } from './difference.js';
import type { MailboxRead } from './pop3-reader.js';
import type { PopfwdRun } from './popfwd-run.js';

export type Served = ReadonlyMap<string, Buffer>;

export const byUidl = (read: MailboxRead): Served =>
  new Map(read.messages.map((message) => [message.uidl, message.data]));

/** The first error lines of a failed run. */
export const errorOf = (run: PopfwdRun): string | undefined =>
  run.exitCode === 0
    ? undefined
    : run.stderr
        .split('\n')
        .filter((line) => /error|\[E[A-Z]+/i.test(line))
        .slice(0, 3)
        .join(' / ') || run.stderr.slice(0, 300);

export const nameOf = (data: Buffer, corpus: readonly InteropMessage[], uidl: string): string =>
  recognize(data, corpus) ?? `UIDL ${uidl}`;

interface Observation {
  readonly message: string;
  readonly text: string;
}

/** One note per distinct text, naming its messages (or "every message"). */
export const grouped = (
  observations: readonly Observation[],
  total: number,
  note: (who: string, text: string) => string,
): string[] => {
  const byText = new Map<string, string[]>();
  for (const { message, text } of observations) {
    byText.set(text, [...(byText.get(text) ?? []), message]);
  }
  return [...byText].map(([text, messages]) => {
    const who =
      messages.length === total && total > 1
        ? 'every message'
        : messages.map((name) => `\`${name}\``).join(', ');
    return note(who, text);
  });
};

/** How each served message differs from what was delivered to the server. */
export const servingDifferences = (
  read: MailboxRead,
  corpus: readonly InteropMessage[],
): Observation[] =>
  read.messages.flatMap(({ uidl, data }) => {
    const message = nameOf(data, corpus, uidl);
    const sent = corpus.find((candidate) => candidate.name === message);
    const text = sent ? describeDifference(sent.data, data) : 'not a message of the corpus';
    return text ? [{ message, text }] : [];
  });

const isSubstituteFor = (data: Buffer, message: string, corpus: readonly InteropMessage[]) => {
  const sent = corpus.find((candidate) => candidate.name === message);
  return !!sent && /^as a substitute/.test(describeDifference(sent.data, data) ?? '');
};

/** How `later` serves each message of `first` differently. */
export const sessionDifferences = (
  first: MailboxRead,
  later: Served,
  corpus: readonly InteropMessage[],
): Observation[] =>
  first.messages.flatMap(({ uidl, data }) => {
    const message = nameOf(data, corpus, uidl);
    const again = later.get(uidl);
    const text = !again
      ? 'gone'
      : isSubstituteFor(data, message, corpus) && isSubstituteFor(again, message, corpus)
        ? !data.equals(again) && 'a different substitute (a new MIME boundary)'
        : describeDifference(data, again);
    return text ? [{ message, text }] : [];
  });

/** `CAPA USER PASS UIDL LIST RETR ×10 QUIT`: the verbs of a session, repeats counted. */
const verbs = (commands: readonly string[]): string => {
  const runs: { verb: string; count: number }[] = [];
  for (const command of commands) {
    const verb = command.split(' ')[0] ?? '';
    const last = runs.at(-1);
    if (last?.verb === verb) last.count += 1;
    else runs.push({ verb, count: 1 });
  }
  return runs.map(({ verb, count }) => (count > 1 ? `${verb} ×${count}` : verb)).join(' ');
};

export const archiveNotes = (
  run: PopfwdRun,
  label: string,
  independent: readonly Served[],
  corpus: readonly InteropMessage[],
): string[] => {
  const notes = run.sessions.map(
    (session, index) => `popfwd (${label}) session ${index + 1} sent: ${verbs(session.commands)}`,
  );
  if (run.exitCode !== 0) {
    notes.push(`popfwd (${label}) exited with ${run.exitCode}: ${errorOf(run)}`);
  }
  const alerts = (run.summary?.alerts ?? []) as { code?: string; message?: string }[];
  for (const alert of alerts) notes.push(`popfwd (${label}) alert ${alert.code}: ${alert.message}`);
  const unseen = run.archive
    .filter(({ uidl, data }) => !independent.some((served) => served.get(uidl)?.equals(data)))
    .map(({ uidl, data }) => ({
      message: nameOf(data, corpus, uidl),
      text: `its own session was served them, unlike any other session (\`${subjectOf(data)}\`)`,
    }));
  return [
    ...notes,
    ...grouped(
      unseen,
      run.archive.length,
      (who, text) => `popfwd (${label}) archived ${who} as ${text}`,
    ),
  ];
};

/** Whether popfwd sent UTF8 in any session of the run. */
const sentUtf8 = (run: PopfwdRun): boolean =>
  run.sessions.some((session) => session.commands.some((line) => line.toUpperCase() === 'UTF8'));

export const utf8Notes = (
  without: MailboxRead,
  withUtf8: MailboxRead,
  corpus: readonly InteropMessage[],
  runs: readonly PopfwdRun[],
): string[] => {
  const changed = sessionDifferences(without, byUidl(withUtf8), corpus).map(({ message }) => {
    const served = withUtf8.messages.find((m) => nameOf(m.data, corpus, m.uidl) === message);
    const sent = corpus.find((candidate) => candidate.name === message);
    const text =
      served && sent ? (describeDifference(sent.data, served.data) ?? 'as delivered') : 'missing';
    return { message, text };
  });
  return [
    `CAPA offers UTF8; the reply to UTF8 after login: \`${withUtf8.utf8Reply ?? ''}\``,
    ...(changed.length
      ? grouped(
          changed,
          without.messages.length,
          (who, text) => `with UTF8, served ${who}: ${text}`,
        )
      : ['with UTF8 sent, every message is served as without it']),
    `popfwd sent UTF8: ${runs.every(sentUtf8) ? 'yes' : runs.some(sentUtf8) ? 'in some runs' : '**no**'}`,
  ];
};
