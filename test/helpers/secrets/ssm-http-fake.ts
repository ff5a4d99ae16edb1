/**
 * SSM Parameter Store over HTTP on 127.0.0.1 (AWS JSON 1.1 protocol), for code that builds its own
 * SSM client (the Lambda bundle): point it here with AWS_ENDPOINT_URL_SSM. GetParameter and
 * PutParameter only, with SSM's rules that matter here: a missing name is ParameterNotFound,
 * an existing one needs Overwrite, and Tags together with Overwrite are refused.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredParameter {
  readonly value: string;
  readonly type: string;
  readonly version: number;
}

export interface SsmCall {
  /** e.g. `GetParameter`. */
  readonly action: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface SsmHttpFake {
  /** For AWS_ENDPOINT_URL_SSM. */
  readonly endpoint: string;
  readonly parameters: Map<string, StoredParameter>;
  readonly calls: readonly SsmCall[];
  close(): Promise<void>;
}

interface Reply {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

const error = (status: number, type: string, message: string): Reply => ({
  status,
  body: { __type: type, message },
});

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export const startSsmHttpFake = async (
  initial: Readonly<Record<string, string>> = {},
): Promise<SsmHttpFake> => {
  const parameters = new Map<string, StoredParameter>(
    Object.entries(initial).map(([name, value]) => [
      name,
      { value, type: 'SecureString', version: 1 },
    ]),
  );
  const calls: SsmCall[] = [];

  const getParameter = (input: Record<string, unknown>): Reply => {
    const name = String(input.Name);
    const parameter = parameters.get(name);
    if (!parameter) return error(400, 'ParameterNotFound', `Parameter ${name} not found.`);
    return {
      status: 200,
      body: {
        Parameter: {
          Name: name,
          Type: parameter.type,
          Value: parameter.value,
          Version: parameter.version,
          ARN: `arn:aws:ssm:eu-west-1:123456789012:parameter${name}`,
          DataType: 'text',
        },
      },
    };
  };

  const putParameter = (input: Record<string, unknown>): Reply => {
    const name = String(input.Name);
    const existing = parameters.get(name);
    if (input.Overwrite === true && Array.isArray(input.Tags) && input.Tags.length > 0) {
      return error(
        400,
        'ValidationException',
        "Invalid request: tags and overwrite can't be used together.",
      );
    }
    if (existing && input.Overwrite !== true) {
      return error(400, 'ParameterAlreadyExists', 'The parameter already exists.');
    }
    const version = (existing?.version ?? 0) + 1;
    parameters.set(name, {
      value: String(input.Value),
      type: String(input.Type ?? 'String'),
      version,
    });
    return { status: 200, body: { Version: version, Tier: 'Standard' } };
  };

  const route = (action: string, input: Record<string, unknown>): Reply => {
    if (action === 'GetParameter') return getParameter(input);
    if (action === 'PutParameter') return putParameter(input);
    return error(400, 'UnknownOperationException', `${action} is not supported by the fake`);
  };

  const server = createServer((request, response) => {
    readBody(request).then(
      (text) => {
        const target = String(request.headers['x-amz-target'] ?? '');
        const action = target.replace(/^AmazonSSM\./, '');
        const input = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
        calls.push({ action, input });
        const reply = route(action, input);
        response.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(reply.body));
      },
      () => response.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    parameters,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
