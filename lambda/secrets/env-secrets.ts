import {
  type EnvSecretRef,
  requireValue,
  type SecretAdapter,
  secretError,
} from './secret-adapter.js';

/** Environment variables: read-only, because a process cannot change its parent's environment. */
export const createEnvSecrets = (env: NodeJS.ProcessEnv): SecretAdapter<EnvSecretRef> => ({
  async read(ref) {
    const value = env[ref.env];
    if (value === undefined) throw secretError('read', ref, 'the environment variable is not set');
    return requireValue(ref, value, 'the environment variable');
  },
  async write(ref) {
    throw secretError(
      'write',
      ref,
      'environment variables are read-only; point the reference at { file: PATH } or { ssm: NAME } to store rotated secrets',
    );
  },
});
