/**
 * A strict reader for the repository's Dockerfile: it knows the instructions and the forms the
 * test can execute, and throws on anything else (ADD, ARG, a shell-form ENTRYPOINT, a pipe in
 * RUN, …) instead of skipping it, so the image cannot gain a step the test never ran.
 */

export type Instruction =
  | { readonly kind: 'WORKDIR'; readonly line: number; readonly path: string }
  | {
      readonly kind: 'COPY';
      readonly line: number;
      readonly from: string | null;
      readonly sources: readonly string[];
      readonly dest: string;
    }
  /** A RUN line as its `&&`-separated commands, each split into words. */
  | { readonly kind: 'RUN'; readonly line: number; readonly commands: readonly string[][] }
  | { readonly kind: 'ENV'; readonly line: number; readonly vars: Readonly<Record<string, string>> }
  | { readonly kind: 'USER'; readonly line: number; readonly user: string }
  | { readonly kind: 'VOLUME'; readonly line: number; readonly paths: readonly string[] }
  | {
      readonly kind: 'ENTRYPOINT' | 'CMD';
      readonly line: number;
      readonly argv: readonly string[];
    };

export interface Stage {
  readonly name: string | null;
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

export class DockerfileError extends Error {
  constructor(line: number, message: string) {
    super(`Dockerfile line ${line}: ${message}`);
    this.name = 'DockerfileError';
  }
}

interface LogicalLine {
  readonly line: number;
  readonly text: string;
}

/** Joins `\` continuations and drops comments and blank lines, as Docker does. */
const logicalLines = (text: string): LogicalLine[] => {
  const out: LogicalLine[] = [];
  let pending: LogicalLine | null = null;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending
      ? { line: pending.line, text: `${pending.text} ${part}` }
      : { line: index + 1, text: part };
    if (!continued) {
      out.push(pending);
      pending = null;
    }
  });
  if (pending) throw new DockerfileError((pending as LogicalLine).line, 'ends inside a line');
  return out;
};

const words = (text: string): string[] => text.split(/\s+/).filter((word) => word !== '');

/** Plain words only: quotes, globs, variables, pipes and redirections are shell the test would not reproduce. */
const PLAIN_COMMAND = /^[\w@%+=:,./-]+(?: [\w@%+=:,./-]+)*$/;

const parseRun = (line: number, text: string): string[][] => {
  if (text.startsWith('[')) throw new DockerfileError(line, 'exec-form RUN is not supported');
  return text
    .replace(/\s+/g, ' ')
    .split(' && ')
    .map((command) => {
      if (!PLAIN_COMMAND.test(command)) {
        throw new DockerfileError(line, `RUN uses shell syntax the test cannot run: "${command}"`);
      }
      const argv = words(command);
      if (argv.length === 0) throw new DockerfileError(line, 'empty command in RUN');
      return argv;
    });
};

const parseJsonArray = (line: number, keyword: string, text: string): string[] => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DockerfileError(line, `${keyword} must be a JSON array (exec form), got ${text}`);
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw new DockerfileError(line, `${keyword} must be a non-empty JSON array of strings`);
  }
  return value;
};

const parseCopy = (line: number, text: string): Instruction => {
  const args = words(text);
  let from: string | null = null;
  while (args[0]?.startsWith('--')) {
    const flag = args.shift() as string;
    const match = /^--from=([a-z][a-z0-9-]*)$/.exec(flag);
    if (!match?.[1]) throw new DockerfileError(line, `unsupported COPY flag ${flag}`);
    from = match[1];
  }
  if (text.trimStart().startsWith('[') || args.length < 2) {
    throw new DockerfileError(line, 'COPY needs the form: COPY [--from=STAGE] SRC… DEST');
  }
  for (const arg of args) {
    if (/[*?[\]$]/.test(arg)) throw new DockerfileError(line, `unsupported COPY path ${arg}`);
  }
  return { kind: 'COPY', line, from, sources: args.slice(0, -1), dest: args.at(-1) as string };
};

const parseEnv = (line: number, text: string): Record<string, string> => {
  const vars: Record<string, string> = {};
  for (const pair of words(text)) {
    const match = /^([A-Z_][A-Z0-9_]*)=([^\s'"$\\]+)$/.exec(pair);
    if (!match?.[1] || match[2] === undefined) {
      throw new DockerfileError(line, `ENV must be NAME=value without quotes or $, got ${pair}`);
    }
    vars[match[1]] = match[2];
  }
  if (Object.keys(vars).length === 0) throw new DockerfileError(line, 'empty ENV');
  return vars;
};

const parseInstruction = (line: number, keyword: string, rest: string): Instruction => {
  switch (keyword) {
    case 'WORKDIR':
      if (!/^\/\S*$/.test(rest)) throw new DockerfileError(line, 'WORKDIR must be absolute');
      return { kind: 'WORKDIR', line, path: rest };
    case 'COPY':
      return parseCopy(line, rest);
    case 'RUN':
      return { kind: 'RUN', line, commands: parseRun(line, rest) };
    case 'ENV':
      return { kind: 'ENV', line, vars: parseEnv(line, rest) };
    case 'USER':
      if (!/^[a-z_][a-z0-9_-]*$/.test(rest)) throw new DockerfileError(line, 'USER must be a name');
      return { kind: 'USER', line, user: rest };
    case 'VOLUME':
      return { kind: 'VOLUME', line, paths: parseJsonArray(line, keyword, rest) };
    case 'ENTRYPOINT':
    case 'CMD':
      return { kind: keyword, line, argv: parseJsonArray(line, keyword, rest) };
    default:
      throw new DockerfileError(line, `instruction ${keyword} is not understood by this test`);
  }
};

export const parseDockerfile = (text: string): Stage[] => {
  const stages: Array<{ name: string | null; image: string; instructions: Instruction[] }> = [];
  for (const { line, text: logical } of logicalLines(text)) {
    const [keyword = '', ...restWords] = words(logical);
    const upper = keyword.toUpperCase();
    const rest = logical.slice(keyword.length).trim();
    if (upper === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+([a-z][a-z0-9-]*))?$/i.exec(rest);
      if (!match?.[1] || match[1].startsWith('--')) {
        throw new DockerfileError(line, 'FROM needs the form: FROM IMAGE [AS NAME]');
      }
      stages.push({ name: match[2] ?? null, image: match[1], instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new DockerfileError(line, `${upper} before the first FROM`);
    if (restWords.length === 0) throw new DockerfileError(line, `${upper} without arguments`);
    stage.instructions.push(parseInstruction(line, upper, rest));
  }
  if (stages.length === 0) throw new DockerfileError(1, 'no FROM');
  return stages;
};
