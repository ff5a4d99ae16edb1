/**
 * Starts an emulated image's ENTRYPOINT the way `docker run IMAGE ARGS…` would: the image's ENV,
 * its last WORKDIR, image paths mapped into the stage directory, and — when the test runs as
 * root — the image's USER account, so file permissions are those a container would meet.
 */
import { execFile } from 'node:child_process';
import { chmod, chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type EmulatedImage, hostPath, IMAGE_USERS } from './emulate-build.js';

export interface EntrypointResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Whether the process can switch to the image's USER (only root can). */
export const canSwitchUser = (): boolean => process.getuid?.() === 0;

const mapArg = (image: EmulatedImage, arg: string, index: number): string => {
  // The image's node is the base image's; the host's stands in for it.
  if (index === 0) {
    if (arg !== 'node') throw new Error(`ENTRYPOINT ${arg}: only node is understood`);
    return process.execPath;
  }
  return arg.startsWith('/') ? hostPath(image, arg) : arg;
};

export const runEntrypoint = async (
  image: EmulatedImage,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<EntrypointResult> => {
  const [program, ...rest] = [...image.entrypoint, ...args].map((arg, index) =>
    index < image.entrypoint.length ? mapArg(image, arg, index) : arg,
  );
  const account = image.user ? IMAGE_USERS[image.user] : undefined;
  const asUser = canSwitchUser() && account ? account : undefined;
  // A home and a temp directory of the account's own, inside the stage.
  const home = join(image.root, 'home', image.user ?? 'root');
  const tmp = join(image.root, 'tmp');
  await mkdir(home, { recursive: true });
  await mkdir(tmp, { recursive: true });
  await chmod(tmp, 0o1777);
  if (asUser) await chown(home, asUser.uid, asUser.gid);

  const imageEnv = Object.fromEntries(
    Object.entries(image.env).map(([name, value]) => [
      name,
      value.startsWith('/') ? hostPath(image, value) : value,
    ]),
  );
  return new Promise((resolve) => {
    execFile(
      program as string,
      rest,
      {
        cwd: hostPath(image, '.'),
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: home,
          TMPDIR: tmp,
          ...imageEnv,
          ...env,
        },
        ...(asUser ? { uid: asUser.uid, gid: asUser.gid } : {}),
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
};
