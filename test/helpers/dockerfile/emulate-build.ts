/**
 * Runs a parsed Dockerfile's steps without Docker: each stage gets its own directory standing in
 * for the image's `/`, COPY copies from the build context (honouring .dockerignore) or from an
 * earlier stage, and each RUN command is either executed for real with the WORKDIR as its working
 * directory (npm, rm inside the WORKDIR) or reproduced inside the stage directory (mkdir, chown).
 * Any other command is refused. What cannot be reproduced on the host is stated where it happens.
 */
import { execFile } from 'node:child_process';
import { chown, cp, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join, posix, resolve } from 'node:path';
import { promisify } from 'node:util';
import { isIgnored, parseDockerignore } from './dockerignore.js';
import type { Instruction, Stage } from './parse-dockerfile.js';

const run = promisify(execFile);

/** What a build on this machine keeps from its environment: where npm is, its cache, proxies. */
const HOST_VARS = /^(PATH|HOME|https?_proxy|no_proxy|npm_config_(cache|registry|userconfig))$/i;

const buildEnv = (image: EmulatedImage, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => HOST_VARS.test(name))),
  ...image.env,
  ...extra,
});

/** The accounts of the official node images (`USER node`). */
export const IMAGE_USERS: Readonly<Record<string, { uid: number; gid: number }>> = {
  node: { uid: 1000, gid: 1000 },
};

export interface EmulatedImage {
  readonly name: string | null;
  readonly image: string;
  /** The directory standing in for the image's `/`. */
  readonly root: string;
  workdir: string;
  readonly env: Record<string, string>;
  user: string | null;
  readonly volumes: string[];
  entrypoint: readonly string[];
  cmd: readonly string[];
  /** `chown` targets (image paths) and the account they were given to. */
  readonly owners: Map<string, string>;
  /** Commands recognised but deliberately not run on the host, with the reason. */
  readonly notRun: string[];
}

export interface BuildOptions {
  readonly context: string;
  readonly scratch: string;
  /** Added to the environment of the commands that run for real (npm settings). */
  readonly hostEnv?: NodeJS.ProcessEnv;
}

/** An image path (absolute, or relative to the WORKDIR) inside the stage directory. */
export const hostPath = (image: EmulatedImage, path: string): string =>
  join(image.root, posix.resolve(image.workdir, path));

const filesUnder = async (dir: string, base = ''): Promise<string[]> => {
  const entries = await readdir(join(dir, base), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = base ? `${base}/${entry.name}` : entry.name;
      return entry.isDirectory() ? filesUnder(dir, path) : Promise.resolve([path]);
    }),
  );
  return nested.flat();
};

const copy = async (
  image: EmulatedImage,
  step: Extract<Instruction, { kind: 'COPY' }>,
  sourceRoot: (from: string | null) => { dir: string; ignored: (path: string) => boolean },
): Promise<void> => {
  const { dir, ignored } = sourceRoot(step.from);
  const toDir = step.dest.endsWith('/') || step.sources.length > 1;
  for (const source of step.sources) {
    const relativeSource = step.from
      ? posix.resolve('/', source).slice(1)
      : posix.normalize(source).replace(/\/$/, '');
    if (relativeSource === '' || relativeSource === '.' || relativeSource.startsWith('..')) {
      throw new Error(`line ${step.line}: COPY ${source}: name the files, not the whole context`);
    }
    const from = join(dir, relativeSource);
    const info = await stat(from).catch(() => null);
    if (!info) throw new Error(`line ${step.line}: COPY ${source}: not found`);
    const files = info.isDirectory()
      ? (await filesUnder(from)).map((file) => `${relativeSource}/${file}`)
      : [relativeSource];
    const kept = files.filter((file) => !ignored(file));
    if (kept.length === 0) {
      throw new Error(`line ${step.line}: COPY ${source}: every file is excluded by .dockerignore`);
    }
    const target = hostPath(image, step.dest);
    for (const file of kept) {
      const inside = info.isDirectory() ? file.slice(relativeSource.length + 1) : basename(file);
      const to = info.isDirectory() || toDir ? join(target, inside) : target;
      await mkdir(resolve(to, '..'), { recursive: true });
      await cp(join(dir, file), to, { preserveTimestamps: true });
    }
  }
};

const inWorkdir = (image: EmulatedImage, line: number, path: string): string => {
  if (path.startsWith('/') || posix.normalize(path).startsWith('..')) {
    throw new Error(`line ${line}: rm ${path}: only paths inside the WORKDIR are understood`);
  }
  return hostPath(image, path);
};

const runCommand = async (
  image: EmulatedImage,
  line: number,
  argv: readonly string[],
  hostEnv: NodeJS.ProcessEnv,
): Promise<void> => {
  const [program, ...args] = argv;
  const cwd = hostPath(image, '.');
  const text = argv.join(' ');
  if (program === 'npm' && args[0] === 'cache' && args.join(' ') === 'cache clean --force') {
    // In the image it empties root's npm cache; here it would empty this machine's.
    image.notRun.push(text);
    return;
  }
  if (program === 'npm' && (args[0] === 'ci' || (args[0] === 'run' && args.length === 2))) {
    await run('npm', args, {
      cwd,
      env: buildEnv(image, hostEnv),
      maxBuffer: 16 * 1024 * 1024,
    });
    return;
  }
  if (program === 'rm' && args[0] === '-rf' && args.length > 1) {
    for (const path of args.slice(1))
      await rm(inWorkdir(image, line, path), { recursive: true, force: true });
    return;
  }
  if (program === 'mkdir' && args[0] === '-p' && args.length > 1) {
    for (const path of args.slice(1)) await mkdir(hostPath(image, path), { recursive: true });
    return;
  }
  if (program === 'chown' && args.length > 1 && args[0]?.includes(':')) {
    const [user, group] = (args[0] as string).split(':');
    const account = user ? IMAGE_USERS[user] : undefined;
    if (!account || group !== user)
      throw new Error(`line ${line}: chown to unknown account ${args[0]}`);
    for (const path of args.slice(1)) {
      image.owners.set(posix.resolve(image.workdir, path), user as string);
      // Only root can give a file away; elsewhere the owner is checked from `owners`.
      if (process.getuid?.() === 0) await chown(hostPath(image, path), account.uid, account.gid);
    }
    return;
  }
  throw new Error(`line ${line}: RUN ${text}: a command this test does not understand`);
};

/** Builds every stage in order; returns them by name (and `last`). */
export const emulateBuild = async (
  stages: readonly Stage[],
  options: BuildOptions,
): Promise<{ stages: Map<string, EmulatedImage>; last: EmulatedImage }> => {
  const ignorePath = join(options.context, '.dockerignore');
  const patterns = parseDockerignore(await readFile(ignorePath, 'utf8').catch(() => ''));
  const built = new Map<string, EmulatedImage>();
  let last: EmulatedImage | null = null;

  for (const [index, stage] of stages.entries()) {
    const root = join(options.scratch, `${index}-${stage.name ?? 'stage'}`);
    await mkdir(root, { recursive: true });
    const image: EmulatedImage = {
      name: stage.name,
      image: stage.image,
      root,
      workdir: '/',
      env: {},
      user: null,
      volumes: [],
      entrypoint: [],
      cmd: [],
      owners: new Map(),
      notRun: [],
    };
    const sourceRoot = (from: string | null) => {
      if (from === null) {
        return { dir: options.context, ignored: (path: string) => isIgnored(patterns, path) };
      }
      const earlier = built.get(from);
      if (!earlier) throw new Error(`COPY --from=${from}: no earlier stage of that name`);
      return { dir: earlier.root, ignored: () => false };
    };
    for (const step of stage.instructions) {
      switch (step.kind) {
        case 'WORKDIR':
          image.workdir = step.path;
          await mkdir(hostPath(image, '.'), { recursive: true });
          break;
        case 'COPY':
          await copy(image, step, sourceRoot);
          break;
        case 'RUN':
          for (const argv of step.commands) {
            await runCommand(image, step.line, argv, options.hostEnv ?? {});
          }
          break;
        case 'ENV':
          Object.assign(image.env, step.vars);
          break;
        case 'USER':
          if (!IMAGE_USERS[step.user])
            throw new Error(`line ${step.line}: unknown user ${step.user}`);
          image.user = step.user;
          break;
        case 'VOLUME':
          image.volumes.push(...step.paths);
          break;
        case 'ENTRYPOINT':
          image.entrypoint = step.argv;
          break;
        case 'CMD':
          image.cmd = step.argv;
          break;
      }
    }
    if (stage.name) built.set(stage.name, image);
    last = image;
  }
  if (!last) throw new Error('no stage');
  return { stages: built, last };
};
