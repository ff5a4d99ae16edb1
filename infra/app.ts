import { App } from 'aws-cdk-lib';
import { isPopfwdError } from '../lambda/errors.js';
import { buildApp } from './build-app.js';

// `npx cdk synth|deploy` runs this (cdk.json: "app"). A bad config or setting is the user's to
// fix: print its message (file and field) instead of a stack trace.
try {
  const app = new App();
  buildApp(app);
  app.synth();
} catch (error) {
  if (!isPopfwdError(error)) throw error;
  process.stderr.write(`popfwd: ${error.message}\n`);
  process.exitCode = 1;
}
