/**
 * Runs in its own process (see test/integration/lambda/bundled-handler.test.ts): loads a Lambda
 * bundle as the Node.js runtime does (a fresh process, an ESM import of the handler module at
 * init), invokes the handler once with a scheduled event's empty payload and a fake context whose
 * remaining time counts down, and reports the outcome to the parent over IPC.
 * Usage: node --import tsx lambda-invoke-child.ts BUNDLE EXPORT TIMEOUT_MS
 */
import { pathToFileURL } from 'node:url';
import { lambdaContext } from './lambda-context.js';

export type InvokeOutcome =
  | { readonly ok: true; readonly result: unknown }
  | {
      readonly ok: false;
      readonly error: { readonly name: string; readonly message: string; readonly code?: unknown };
    };

const [file, exportName, timeoutMs] = process.argv.slice(2);
if (!file || !exportName || !timeoutMs || !process.send) {
  throw new Error('usage (with an IPC channel): lambda-invoke-child.ts BUNDLE EXPORT TIMEOUT_MS');
}

const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
const handler = module[exportName] as (event: unknown, context: unknown) => Promise<unknown>;
const deadline = Date.now() + Number(timeoutMs);
const context = {
  ...lambdaContext(Number(timeoutMs)),
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};

let outcome: InvokeOutcome;
try {
  outcome = { ok: true, result: await handler({}, context) };
} catch (error) {
  const { name, message, code } = error as Error & { code?: unknown };
  outcome = { ok: false, error: { name, message, code } };
}
// Like the runtime after an invocation: nothing left running in this process matters any more.
process.send(outcome, () => process.exit(0));
