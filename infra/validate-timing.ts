import type { Duration } from 'aws-cdk-lib';

export interface Timing {
  readonly pollEvery: Duration;
  readonly timeout: Duration;
  readonly noSuccessAlarmAfter: Duration;
}

/**
 * Checks a MailForwarder's durations before any resource exists. Scheduler rates are whole
 * minutes; an alarm period of whole hours up to a day keeps "no successful run" one evaluation.
 */
export const validateTiming = ({ pollEvery, timeout, noSuccessAlarmAfter }: Timing): void => {
  const minutes = pollEvery.toMinutes({ integral: false });
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) {
    throw new Error(
      `pollEvery must be whole minutes from 1 to 60, got ${pollEvery.toHumanString()}`,
    );
  }
  const seconds = timeout.toSeconds();
  if (seconds < 60 || seconds > 900) {
    throw new Error(`timeout must be from 1 to 15 minutes, got ${timeout.toHumanString()}`);
  }
  const hours = noSuccessAlarmAfter.toHours({ integral: false });
  if (!Number.isInteger(hours) || hours < 1 || hours > 24) {
    throw new Error(
      `noSuccessAlarmAfter must be whole hours from 1 to 24, got ${noSuccessAlarmAfter.toHumanString()}`,
    );
  }
  if (noSuccessAlarmAfter.toSeconds() < 2 * pollEvery.toSeconds()) {
    throw new Error(
      `noSuccessAlarmAfter must span at least two polls (2 × ${pollEvery.toHumanString()}), got ${noSuccessAlarmAfter.toHumanString()}`,
    );
  }
};
