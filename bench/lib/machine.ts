/** What the figures were measured on: machine, load, and the versions of everything measured. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';

const output = (command: string, args: string[], cwd?: string): string => {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
};

const cpuModel = (): string => {
  const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return match?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
};

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly ramGb: number;
  readonly kernel: string;
  readonly os: string;
}

export const describeMachine = (): Machine => ({
  cpu: cpuModel(),
  cores: cpus().length,
  ramGb: Math.round(totalmem() / 2 ** 30),
  kernel: release(),
  os: /^PRETTY_NAME="?([^"\n]+)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux',
});

/** The 1-minute load average: the machine is shared, so say how busy it was. */
export const loadAverage = (): number => loadavg()[0] ?? 0;

export const formatMachine = (machine: Machine): string =>
  `${machine.cpu}, ${machine.cores} cores, ${machine.ramGb} GB RAM, ${machine.os}, kernel ${machine.kernel}`;

export const popfwdCommit = (projectDir: string): string => {
  const commit = output('git', ['rev-parse', '--short', 'HEAD'], projectDir);
  // Only what is measured counts; BENCHMARKS.md itself changes with every run.
  const measured = ['lambda', 'bin', 'infra', 'package.json', 'package-lock.json'];
  const dirty = output('git', ['status', '--porcelain', '--', ...measured], projectDir);
  return dirty ? `${commit} (+ uncommitted changes)` : commit;
};

export const versions = {
  node: (): string => process.version,
  dovecot: (): string => output('dovecot', ['--version']).split(' ')[0] ?? '?',
  mpop: (): string => /mpop version (\S+)/.exec(output('mpop', ['--version']))?.[1] ?? '?',
  fetchmail: (): string =>
    /release (\S+?)\+/.exec(output('fetchmail', ['--version']))?.[1] ??
    /release (\S+)/.exec(output('fetchmail', ['--version']))?.[1] ??
    '?',
} as const;

export const today = (): string => new Date().toISOString().slice(0, 10);
