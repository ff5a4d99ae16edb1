/** Files of a throwaway Dovecot instance: layout, identities, TLS copies, passwd, maildirs. */
import { readFileSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { TLS_PATHS } from '../tls-fixtures.js';
import {
  type DovecotIdentity,
  type DovecotLayout,
  type DovecotOAuth2Settings,
  type DovecotUser,
  renderOAuth2Config,
  renderPasswd,
} from './dovecot-config.js';

/** Fields of the /etc/passwd or /etc/group entry whose field `key` equals `value`. */
const entry = (file: string, key: number, value: string): string[] | null =>
  readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[key] === value) ?? null;

const passwdEntry = (name: string): { uid: number; gid: number } | null => {
  const fields = entry('/etc/passwd', 0, name);
  return fields?.[2] && fields[3] ? { uid: Number(fields[2]), gid: Number(fields[3]) } : null;
};

/**
 * Who owns the mail and runs Dovecot's unprivileged processes. As root: `mail` owns the mail and
 * Debian's dovenull / dovecot users run the rest. As anyone else: that user runs everything.
 */
export const resolveIdentity = (): DovecotIdentity => {
  const me = userInfo();
  if (me.uid !== 0) {
    const group = entry('/etc/group', 2, String(me.gid))?.[0];
    if (!group) throw new Error(`dovecot helper: no group name for gid ${me.gid}`);
    return {
      mailUid: me.uid,
      mailGid: me.gid,
      loginUser: me.username,
      internalUser: me.username,
      internalGroup: group,
    };
  }
  const mail = passwdEntry('mail');
  if (!mail) throw new Error('dovecot helper: running as root needs a "mail" user');
  return {
    mailUid: mail.uid,
    mailGid: mail.gid,
    loginUser: passwdEntry('dovenull') ? 'dovenull' : 'nobody',
    internalUser: passwdEntry('dovecot') ? 'dovecot' : 'mail',
    internalGroup: entry('/etc/group', 0, 'dovecot') ? 'dovecot' : 'mail',
  };
};

export const layoutFor = (root: string): DovecotLayout => ({
  root,
  confDir: join(root, 'conf'),
  runDir: join(root, 'run'),
  mailDir: join(root, 'mail'),
  logPath: join(root, 'dovecot.log'),
  passwdPath: join(root, 'conf', 'passwd'),
  oauth2Path: join(root, 'conf', 'oauth2.conf.ext'),
  certPath: join(root, 'conf', 'cert.pem'),
  keyPath: join(root, 'conf', 'key.pem'),
});

export const validateUser = ({ user, password }: DovecotUser): void => {
  if (/[:\s/]/.test(user) || /[:\r\n]/.test(password) || user === '' || user.startsWith('.')) {
    throw new Error(`dovecot helper: user "${user}" or its password cannot go in a passwd-file`);
  }
};

export const prepareFiles = async (
  layout: DovecotLayout,
  identity: DovecotIdentity,
  users: readonly DovecotUser[],
  oauth2: DovecotOAuth2Settings | undefined,
): Promise<void> => {
  // Dovecot's unprivileged processes must traverse the temp root (mkdtemp makes it 0700).
  await chmod(layout.root, 0o755);
  await mkdir(join(layout.runDir, 'state'), { recursive: true });
  await mkdir(layout.confDir, { recursive: true });
  await mkdir(layout.mailDir, { recursive: true });
  await copyFile(TLS_PATHS.cert, layout.certPath);
  await copyFile(TLS_PATHS.key, layout.keyPath);
  await chmod(layout.keyPath, 0o600);
  await writeFile(layout.passwdPath, renderPasswd(users, identity, layout.mailDir));
  if (oauth2) await writeFile(layout.oauth2Path, renderOAuth2Config(oauth2));
  await chown(layout.mailDir, identity.mailUid, identity.mailGid);
  for (const { user } of users) {
    for (const sub of ['cur', 'new', 'tmp']) {
      await mkdir(join(layout.mailDir, user, sub), { recursive: true });
      await chown(join(layout.mailDir, user, sub), identity.mailUid, identity.mailGid);
    }
    await chown(join(layout.mailDir, user), identity.mailUid, identity.mailGid);
  }
};
