import type { Context } from 'aws-lambda';

/** A fixed Lambda context whose remaining time is `remainingMs`. */
export const lambdaContext = (remainingMs: number): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'popfwd-alice',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:popfwd-alice',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/popfwd-alice',
  logStreamName: '2026/11/26/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => remainingMs,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});
