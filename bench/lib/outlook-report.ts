/**
 * The "outlook" section of BENCHMARKS.md (bench/outlook.ts): wall time beside the round trips each
 * client made, in the two scenarios, with ratios to mpop and fetchmail.
 */
import { describeMachine, formatMachine, today, versions } from './machine.js';
import { table } from './report.js';
import { formatRate, formatRatio, formatSeconds, type Summary, summarize } from './stats.js';

export const TOOLS = ['popfwd-archive', 'mpop', 'mpop-discard', 'fetchmail'] as const;
export type Tool = (typeof TOOLS)[number];

export type Scenario = 'dovecot' | 'outlook';

const TOOL_LABELS: Record<Tool, string> = {
  'popfwd-archive': 'popfwd (archive only)',
  mpop: 'mpop',
  'mpop-discard': 'mpop, discarding (reference)',
  fetchmail: 'fetchmail',
};

export interface Sample {
  readonly tool: Tool;
  readonly scenario: Scenario;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssKb: number;
  readonly counts: {
    readonly sessions: number;
    /** Lines the client sent (commands and SASL responses). */
    readonly lines: number;
    /** Of those, sent before the previous reply was complete. */
    readonly pipelined: number;
    readonly meanHoldMs: number;
    readonly byVerb: Readonly<Record<string, number>>;
  };
}

export interface ReportContext {
  readonly count: number;
  readonly wireBytes: number;
  readonly delayMs: number;
  readonly load: readonly [number, number];
  readonly commit: string;
}

/** A command's order in a session, for listing the verbs as a client sends them. */
const VERB_ORDER = ['CAPA', 'USER', 'PASS', 'AUTH', 'SASL', 'STAT', 'UIDL', 'LIST', 'TOP', 'RETR'];

const verbs = (byVerb: Readonly<Record<string, number>>): string =>
  Object.entries(byVerb)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([verb, n]) => `${verb} ${n.toLocaleString('en-US')}`)
    .join(', ');

const rank = (verb: string): number => {
  if (verb === 'QUIT') return VERB_ORDER.length + 1;
  const index = VERB_ORDER.indexOf(verb);
  return index === -1 ? VERB_ORDER.length : index;
};

const waits = (sample: Sample): number => sample.counts.lines - sample.counts.pipelined;

/** The run whose wall time is the median one (or the lower middle), for its command counts. */
const medianRun = (samples: readonly Sample[]): Sample => {
  const sorted = [...samples].sort((a, b) => a.wallMs - b.wallMs);
  return sorted[Math.floor((sorted.length - 1) / 2)] as Sample;
};

const SCENARIO_LABELS = (delayMs: number): Record<Scenario, string> => ({
  dovecot: 'Dovecot as it is (PIPELINING, no delay)',
  outlook: `Outlook-like (no PIPELINING, ${delayMs} ms per command)`,
});

export const renderOutlookReport = (samples: readonly Sample[], context: ReportContext): string => {
  const labels = SCENARIO_LABELS(context.delayMs);
  const rows: string[][] = [];
  const commandRows: string[][] = [];
  for (const scenario of ['dovecot', 'outlook'] as const) {
    const of = (tool: Tool) =>
      samples.filter((sample) => sample.tool === tool && sample.scenario === scenario);
    const wall = new Map<Tool, Summary>(
      TOOLS.map((tool) => [tool, summarize(of(tool).map((sample) => sample.wallMs))]),
    );
    const median = (tool: Tool): number => (wall.get(tool) as Summary).median;
    for (const tool of TOOLS) {
      const summary = wall.get(tool) as Summary;
      const typical = medianRun(of(tool));
      // The server's share: every wait lasted as long as the proxy really held the line.
      const waiting = (waits(typical) * typical.counts.meanHoldMs) / 1000;
      const popfwd = tool === 'popfwd-archive';
      rows.push([
        labels[scenario],
        TOOL_LABELS[tool],
        `${formatSeconds(summary)} n=${summary.n}`,
        `${(typical.cpuMs / 1000).toFixed(2)} s`,
        typical.counts.lines.toLocaleString('en-US'),
        typical.counts.pipelined.toLocaleString('en-US'),
        waits(typical).toLocaleString('en-US'),
        scenario === 'outlook' ? `${waiting.toFixed(2)} s` : '—',
        scenario === 'outlook' ? `${(typical.wallMs / 1000 - waiting).toFixed(2)} s` : '—',
        formatRate(context.wireBytes, summary.median),
        popfwd ? formatRatio(summary.median / median('mpop')) : '—',
        popfwd ? formatRatio(summary.median / median('fetchmail')) : '—',
      ]);
      commandRows.push([
        labels[scenario],
        TOOL_LABELS[tool],
        verbs(typical.counts.byVerb),
        scenario === 'outlook' ? `${typical.counts.meanHoldMs.toFixed(1)} ms` : '—',
      ]);
    }
  }
  return [
    '## A real mailbox: Outlook-like, beside Dovecot as it is (`npm run bench:outlook`)',
    '',
    `Measured ${today()} on ${formatMachine(describeMachine())}; 1-minute load average ` +
      `${context.load[0].toFixed(1)} at the start, ${context.load[1].toFixed(1)} at the end ` +
      '(the machine is shared). ' +
      `Node ${versions.node()}, Dovecot ${versions.dovecot()}, mpop ${versions.mpop()}, ` +
      `fetchmail ${versions.fetchmail()}, popfwd ${context.commit}.`,
    '',
    `Mailbox: ${context.count.toLocaleString('en-US')} messages (test/helpers/mail/corpus.ts, seed 6, ` +
      `without the 30 MB message, which Outlook.com would not take), ` +
      `${(context.wireBytes / 1e6).toFixed(1)} MB as RETR delivers it. Every client connects over ` +
      'implicit TLS (certificate checked against the test CA) to bench/lib/pop3-command-proxy.ts, ' +
      "which talks plain POP3 to Dovecot's loopback port. Two proxies: one shows Dovecot's " +
      'capabilities and passes each command on at once; the Outlook-like one shows only what ' +
      'Outlook.com offers on port 995 (TOP, UIDL, USER, SASL: no PIPELINING, no RESP-CODES, no ' +
      `STLS) and holds each client line ${context.delayMs} ms before Dovecot sees it, so every ` +
      `reply starts ${context.delayMs} ms after its command arrived. Every run starts from fresh ` +
      'state and fetches the whole mailbox; retention keep. Wall time from process start to ' +
      'exit: median (min–max) of n alternating runs. CPU (user + system), lines, pipelined and ' +
      'waits are those of the median run. Lines: what the client sent (commands and SASL ' +
      'responses), counted at the proxy; pipelined: sent before the reply to the line before it ' +
      'was complete; waits = lines − pipelined, the round trips the client paid (with ' +
      'PIPELINING an upper bound: a client busy with what it received sends its next command ' +
      'after the server has answered everything, and that counts as a wait). Waiting for ' +
      'replies = waits × the mean time the proxy held a line: the part of the run that belongs ' +
      'to the server, which no client with that many waits can go below; own time = wall time ' +
      'of that run − waiting: start-up, TLS, transfer, loopback hops and the work on each ' +
      'message that did not overlap a wait.',
    '',
    table(
      [
        'scenario',
        'tool',
        'wall time',
        'CPU',
        'lines',
        'pipelined',
        'waits',
        'waiting for replies',
        'own time',
        'throughput',
        '÷ mpop',
        '÷ fetchmail',
      ],
      rows,
    ),
    '',
    table(['scenario', 'tool', 'lines sent in one run, by command', 'mean hold'], commandRows),
    '',
    '- popfwd (archive only): `node bin/popfwd.js run --config … --json` (built dist/), local ' +
      'archive with metadata records, no rules.',
    "- mpop: delivery to a maildir on the same disk as popfwd's archive (mpop fsyncs every message).",
    '- mpop, discarding: `mbox /dev/null`, nothing kept — the cost of the POP3 session alone; no ' +
      'ratio is taken against it.',
    '- fetchmail: `bsmtp /dev/null`, its cheapest sink.',
    `- mean hold: how long the proxy actually held a line (${context.delayMs} ms asked; the rest ` +
      'is timer lateness on a busy machine, paid by every client alike).',
  ].join('\n');
};
