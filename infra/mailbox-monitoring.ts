import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  METRICS_NAMESPACE,
  metricDimensions,
  RUN_METRICS,
  type RunMetricName,
} from '../lambda/aws/metric-names.js';

export interface MailboxMonitoringProps {
  /** The mailbox address: the `mailbox` dimension of its metrics. */
  readonly mailbox: string;
  readonly handler: lambda.IFunction;
  /** Receives every alarm and every return to OK. */
  readonly topic: sns.ITopic;
  /** The poll interval: one run per alarm period. */
  readonly pollEvery: Duration;
  /** Whole hours from 1 to 24, at least two polls (see validateTiming). */
  readonly noSuccessAlarmAfter: Duration;
}

/** The mailbox's alarms and dashboard widgets, over the metrics the handler emits. */
export class MailboxMonitoring extends Construct {
  /** The function failed (run-level error, timeout or init error) in three polls in a row. */
  readonly errors: cloudwatch.Alarm;
  /** The server rejected the password or the refresh token: someone must sign in again. */
  readonly authFailures: cloudwatch.Alarm;
  /** A run reported a failure that needs a human (e.g. the account may not send). */
  readonly alerts: cloudwatch.Alarm;
  /** No run completed for noSuccessAlarmAfter; missing data counts, so a silent function alarms. */
  readonly noSuccessfulRun: cloudwatch.Alarm;

  private readonly props: MailboxMonitoringProps;

  constructor(scope: Construct, id: string, props: MailboxMonitoringProps) {
    super(scope, id);
    this.props = props;
    const { mailbox, pollEvery } = props;

    this.errors = this.alarm('Errors', {
      metric: props.handler.metricErrors({ period: pollEvery, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 3,
      // One failed poll (a dropped connection) heals itself on the next; three in a row do not.
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `popfwd ${mailbox}: the function failed in 3 polls in a row; see its logs`,
    });
    this.authFailures = this.alarm('AuthFailures', {
      metric: this.metric(RUN_METRICS.authFailures, { statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        `popfwd ${mailbox}: the server rejected the credentials; update the password ` +
        'parameter or run `popfwd auth login --config FILE`',
    });
    this.alerts = this.alarm('Alerts', {
      metric: this.metric(RUN_METRICS.alerts, { statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `popfwd ${mailbox}: a run reported an alert (e.g. sending refused); see the "run finished" log line`,
    });
    this.noSuccessfulRun = this.alarm('NoSuccessfulRun', {
      metric: this.metric(RUN_METRICS.runSucceeded, {
        statistic: cloudwatch.Stats.SUM,
        period: props.noSuccessAlarmAfter,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `popfwd ${mailbox}: no successful run for ${props.noSuccessAlarmAfter.toHumanString()} (failing, busy, or not running)`,
    });
  }

  /** A popfwd metric of this mailbox, summed over one poll interval unless told otherwise. */
  metric(name: RunMetricName, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { ...metricDimensions(this.props.mailbox) },
      period: this.props.pollEvery,
      statistic: cloudwatch.Stats.SUM,
      ...options,
    });
  }

  /**
   * A counter as the dashboard draws it: the handler emits counters only when they are not zero,
   * so an hour without a point is an hour of zero, drawn as such rather than as a gap.
   */
  private counter(name: RunMetricName, period: Duration): cloudwatch.IMetric {
    // Ids are unique within a graph: the metric names are, and are valid ids.
    return new cloudwatch.MathExpression({
      expression: `FILL(${name}, 0)`,
      usingMetrics: { [name]: this.metric(name, { period }) },
      label: name,
      period,
    });
  }

  /** One dashboard row for this mailbox: messages, runs, duration, alarms. */
  widgets(): cloudwatch.IWidget[] {
    const { mailbox, handler } = this.props;
    const hour = Duration.hours(1);
    const hourly = { period: hour };
    return [
      new cloudwatch.TextWidget({ markdown: `### ${mailbox}`, width: 24, height: 1 }),
      new cloudwatch.GraphWidget({
        title: 'Messages per hour',
        left: [
          RUN_METRICS.fetched,
          RUN_METRICS.archived,
          RUN_METRICS.forwarded,
          RUN_METRICS.replied,
          RUN_METRICS.failed,
        ].map((name) => this.counter(name, hour)),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Runs per hour',
        left: [
          this.metric(RUN_METRICS.runSucceeded, hourly),
          handler.metricErrors({ ...hourly, statistic: cloudwatch.Stats.SUM }),
          this.counter(RUN_METRICS.authFailures, hour),
          this.counter(RUN_METRICS.alerts, hour),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Run duration (ms)',
        left: [
          this.metric(RUN_METRICS.runDuration, { statistic: cloudwatch.Stats.MAXIMUM }),
          this.metric(RUN_METRICS.runDuration, { statistic: cloudwatch.Stats.AVERAGE }),
        ],
        width: 8,
      }),
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [this.errors, this.authFailures, this.alerts, this.noSuccessfulRun],
        width: 24,
        height: 2,
      }),
    ];
  }

  private alarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, props);
    const action = new actions.SnsAction(this.props.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}
