import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  refuseEmptyWrite,
  requireValue,
  type SecretAdapter,
  type SsmSecretRef,
  secretError,
} from './secret-adapter.js';

type Verb = 'read' | 'write';

const TRANSIENT = new Set([
  'ThrottlingException',
  'TooManyUpdates',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);

const isKmsProblem = (message: string): boolean =>
  /\bkms\b|AWSKMS|ciphertext|customer master key/i.test(message);

/** The SDK's words turned into what to do about them; never the value (writes do not echo it). */
const explain = (verb: Verb, error: Error): { reason: string; retryable?: boolean } => {
  const { name, message } = error;
  if (name === 'ParameterNotFound') {
    return {
      reason:
        'the parameter does not exist in this AWS account and region (create it as a SecureString, or run popfwd auth login for a refresh token)',
    };
  }
  if (name === 'AccessDeniedException' && isKmsProblem(message)) {
    return {
      reason: `KMS denied access to the parameter's key: the role needs ${verb === 'read' ? 'kms:Decrypt' : 'kms:Encrypt'} on it`,
    };
  }
  if (name === 'AccessDeniedException') {
    return {
      reason: `access denied: the role needs ${verb === 'read' ? 'ssm:GetParameter' : 'ssm:PutParameter'} on this parameter`,
    };
  }
  if (name === 'InvalidKeyId' || name.startsWith('KMS')) {
    return { reason: `the parameter's KMS key is disabled, deleted or not usable (${name})` };
  }
  if (name === 'ParameterMaxVersionLimitExceeded') {
    return {
      reason:
        'the parameter has 100 versions and the oldest carries a label; remove the labels (popfwd keeps no labels, so old versions can expire)',
    };
  }
  if (name === 'CredentialsProviderError') {
    return { reason: 'no AWS credentials found (set AWS_PROFILE, or run inside the Lambda)' };
  }
  if (/region is missing/i.test(message)) {
    return { reason: 'no AWS region configured (set AWS_REGION)' };
  }
  if (TRANSIENT.has(name) || /ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN/.test(message)) {
    return { reason: `SSM is busy or unreachable (${name}); try again`, retryable: true };
  }
  return { reason: verb === 'read' ? `SSM said ${name}: ${message}` : `SSM said ${name}` };
};

const wrap = (verb: Verb, ref: SsmSecretRef, cause: unknown) => {
  const error = cause instanceof Error ? cause : new Error(String(cause));
  const { reason, retryable } = explain(verb, error);
  return secretError(verb, ref, reason, {
    cause,
    context: { sdkError: error.name },
    ...(retryable === undefined ? {} : { retryable }),
  });
};

/**
 * SSM Parameter Store. Reads decrypt SecureStrings and are cached for the store's lifetime (one
 * run), so a rotated refresh token written back is what the next read in the run sees. Writes
 * overwrite as SecureString without tags (SSM rejects Tags with Overwrite) and without labels (a
 * labelled oldest version blocks new versions once the 100-version cap is reached). `client`
 * defaults to one for the environment's region and credentials.
 */
export const createSsmSecrets = (
  client: SSMClient = new SSMClient({}),
): SecretAdapter<SsmSecretRef> => {
  const cache = new Map<string, Promise<string>>();

  const load = async (ref: SsmSecretRef): Promise<string> => {
    let value: string | undefined;
    try {
      const output = await client.send(
        new GetParameterCommand({ Name: ref.ssm, WithDecryption: true }),
      );
      value = output.Parameter?.Value;
    } catch (cause) {
      throw wrap('read', ref, cause);
    }
    return requireValue(ref, value ?? '', 'the parameter');
  };

  return {
    read(ref) {
      const cached = cache.get(ref.ssm);
      if (cached) return cached;
      const pending = load(ref);
      cache.set(ref.ssm, pending);
      pending.catch(() => cache.delete(ref.ssm));
      return pending;
    },

    async write(ref, value) {
      refuseEmptyWrite(ref, value);
      try {
        await client.send(
          new PutParameterCommand({
            Name: ref.ssm,
            Value: value,
            Type: 'SecureString',
            Overwrite: true,
          }),
        );
      } catch (cause) {
        throw wrap('write', ref, cause);
      }
      cache.set(ref.ssm, Promise.resolve(value));
    },
  };
};
