/**
 * Renders the configuration of a throwaway Dovecot POP3 instance (Debian dovecot-pop3d 2.3).
 * Pure: every path, port and id comes in; the process handling lives in dovecot.ts.
 */

export interface DovecotLayout {
  /** Per-instance root; everything below it belongs to this instance. */
  readonly root: string;
  readonly confDir: string;
  readonly runDir: string;
  readonly mailDir: string;
  readonly logPath: string;
  readonly passwdPath: string;
  readonly oauth2Path: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface DovecotIdentity {
  /** Owner of the mail files (the `mail` user when running as root). */
  readonly mailUid: number;
  readonly mailGid: number;
  /** Unprivileged users for login and internal processes; the current user when not root. */
  readonly loginUser: string;
  readonly internalUser: string;
  readonly internalGroup: string;
}

export interface DovecotOAuth2Settings {
  /** Dovecot POSTs `token=<access token>` here and expects RFC 7662 JSON back. */
  readonly introspectionUrl: string;
  /** Field of the introspection reply that must equal the login name. @default 'username' */
  readonly usernameAttribute?: string;
}

export interface DovecotConfigInput {
  readonly layout: DovecotLayout;
  readonly identity: DovecotIdentity;
  readonly instanceName: string;
  readonly host: string;
  readonly plainPort: number;
  readonly tlsPort: number;
  readonly oauth2?: DovecotOAuth2Settings;
  readonly lockSession: boolean;
}

export const renderDovecotConfig = (input: DovecotConfigInput): string => {
  const { layout, identity, host, plainPort, tlsPort, oauth2 } = input;
  const mechanisms = oauth2 ? 'plain login xoauth2 oauthbearer' : 'plain login';
  const oauth2Passdb = oauth2
    ? [
        'passdb {',
        '  driver = oauth2',
        '  mechanisms = xoauth2 oauthbearer',
        `  args = ${layout.oauth2Path}`,
        '}',
      ]
    : [];
  return [
    'protocols = pop3',
    `listen = ${host}`,
    `base_dir = ${layout.runDir}`,
    `state_dir = ${layout.runDir}/state`,
    `instance_name = ${input.instanceName}`,
    `default_login_user = ${identity.loginUser}`,
    `default_internal_user = ${identity.internalUser}`,
    `default_internal_group = ${identity.internalGroup}`,
    'login_trusted_networks =',
    // Some tests log in over a plain connection on purpose.
    'disable_plaintext_auth = no',
    `auth_mechanisms = ${mechanisms}`,
    // Failed logins answer at once instead of after 2 s: keeps auth-failure tests fast.
    'auth_failure_delay = 0',
    'ssl = yes',
    `ssl_cert = <${layout.certPath}`,
    `ssl_key = <${layout.keyPath}`,
    `mail_location = maildir:${layout.mailDir}/%u`,
    'first_valid_uid = 1',
    `log_path = ${layout.logPath}`,
    'pop3_uidl_format = %08Xu%08Xv',
    `pop3_lock_session = ${input.lockSession ? 'yes' : 'no'}`,
    'service pop3-login {',
    '  chroot =',
    `  inet_listener pop3 {\n    port = ${plainPort}\n  }`,
    `  inet_listener pop3s {\n    port = ${tlsPort}\n    ssl = yes\n  }`,
    '}',
    // mode 0 switches the auth penalty off (up to 15 s per login after failures from one IP).
    'service anvil {\n  chroot =\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}',
    'service stats {\n  chroot =\n}',
    'passdb {',
    '  driver = passwd-file',
    `  args = scheme=PLAIN username_format=%u ${layout.passwdPath}`,
    '}',
    ...oauth2Passdb,
    'userdb {',
    '  driver = static',
    `  args = uid=${identity.mailUid} gid=${identity.mailGid} home=${layout.mailDir}/%u`,
    '}',
    '',
  ].join('\n');
};

/** The oauth2 passdb's args file: token introspection by POST, `active` must be true. */
export const renderOAuth2Config = (settings: DovecotOAuth2Settings): string =>
  [
    'introspection_mode = post',
    `introspection_url = ${settings.introspectionUrl}`,
    `username_attribute = ${settings.usernameAttribute ?? 'username'}`,
    'active_attribute = active',
    'active_value = true',
    '',
  ].join('\n');

export interface DovecotUser {
  readonly user: string;
  readonly password: string;
}

/** passwd-file lines: `user:{PLAIN}password:uid:gid::home::`. */
export const renderPasswd = (
  users: readonly DovecotUser[],
  identity: DovecotIdentity,
  mailDir: string,
): string =>
  users
    .map(
      ({ user, password }) =>
        `${user}:{PLAIN}${password}:${identity.mailUid}:${identity.mailGid}::${mailDir}/${user}::\n`,
    )
    .join('');
