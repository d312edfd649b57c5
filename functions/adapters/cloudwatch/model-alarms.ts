/**
 * The per-model alarms in CloudWatch: every alarm under the platform's name prefix is read
 * (DescribeAlarms), compared with the alarms the models' rules want (`planAlarms`), and put
 * (PutMetricAlarm) or deleted (DeleteAlarms, 100 a call) to match. The alarms watch the per-model
 * usage metrics the prediction functions emit (`model` + `service` dimensions, every version
 * together), and notify the alerts topic when they fire and when they clear.
 *
 * Error rate: metric math over the window, `IF(requests >= minRequests, 100 * 5xx / requests, 0)`,
 * so a window with too few requests never fires. Latency: the p99 of the handler latency.
 */
import {
  type CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import {
  alarmKey,
  type ExistingAlarm,
  type ModelAlarmSpec,
  type ModelAlarms,
  parseAlarmName,
  planAlarms,
} from '#core/monitoring/model-alarms.ts';
import { USAGE_METRICS } from '#core/monitoring/usage-metric-names.ts';

/** DeleteAlarms takes at most 100 names a call. */
const DELETE_BATCH = 100;

export interface CloudWatchModelAlarmsOptions {
  /** Alarm names start with it (`MlPlatform-<stage>-model-`); the function may touch no other alarm. */
  readonly prefix: string;
  /** Notified when an alarm fires and when it clears. */
  readonly topicArn: string;
  /** @default 'MlPlatform' */
  readonly namespace?: string;
  /** @default 'ml-platform' */
  readonly serviceName?: string;
}

export class CloudWatchModelAlarms implements ModelAlarms {
  readonly #client: CloudWatchClient;
  readonly #options: Required<CloudWatchModelAlarmsOptions>;

  constructor(client: CloudWatchClient, options: CloudWatchModelAlarmsOptions) {
    this.#client = client;
    this.#options = { namespace: 'MlPlatform', serviceName: 'ml-platform', ...options };
  }

  async reconcile(wanted: readonly ModelAlarmSpec[]): Promise<ReadonlyMap<string, ExistingAlarm>> {
    const existing = await this.#describe();
    const plan = planAlarms(this.#options.prefix, wanted, existing);
    // One at a time: PutMetricAlarm has a low request rate, and an unchanged alarm costs no call.
    for (const { name, description, spec } of plan.put) {
      await this.#client.send(new PutMetricAlarmCommand(this.alarmInput(name, description, spec)));
    }
    for (let start = 0; start < plan.delete.length; start += DELETE_BATCH) {
      await this.#client.send(
        new DeleteAlarmsCommand({ AlarmNames: plan.delete.slice(start, start + DELETE_BATCH) }),
      );
    }
    const deleted = new Set(plan.delete);
    const states = new Map<string, ExistingAlarm>();
    for (const alarm of existing) {
      const parsed = parseAlarmName(this.#options.prefix, alarm.name);
      if (parsed !== undefined && !deleted.has(alarm.name))
        states.set(alarmKey(parsed.model, parsed.rule), alarm);
    }
    return states;
  }

  /** The PutMetricAlarm request for one alarm (exported for tests through the instance). */
  alarmInput(name: string, description: string, spec: ModelAlarmSpec): PutMetricAlarmCommandInput {
    const { namespace, serviceName, topicArn } = this.#options;
    const dimensions = [
      { Name: 'model', Value: spec.model },
      { Name: 'service', Value: serviceName },
    ];
    const period = spec.windowMinutes * 60;
    const common: Omit<PutMetricAlarmCommandInput, 'Threshold'> = {
      AlarmName: name,
      AlarmDescription: description,
      ActionsEnabled: true,
      AlarmActions: [topicArn],
      OKActions: [topicArn],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      // No traffic is no evidence of errors or slowness (the no-traffic rule covers silence).
      TreatMissingData: 'notBreaching',
    };
    if (spec.rule === 'latency') {
      return {
        ...common,
        Namespace: namespace,
        MetricName: USAGE_METRICS.latency,
        Dimensions: dimensions,
        Period: period,
        ExtendedStatistic: 'p99',
        Unit: 'Milliseconds',
        Threshold: spec.p99Ms,
      };
    }
    const stat = (id: string, metricName: string) => ({
      Id: id,
      ReturnData: false,
      MetricStat: {
        Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dimensions },
        Period: period,
        Stat: 'Sum',
      },
    });
    return {
      ...common,
      Metrics: [
        stat('errors', USAGE_METRICS.serverErrors),
        stat('requests', USAGE_METRICS.requests),
        {
          Id: 'errorRate',
          Label: 'Percent of requests answered 5xx',
          Expression: `IF(requests >= ${spec.minRequests}, 100 * FILL(errors, 0) / requests, 0)`,
          ReturnData: true,
        },
      ],
      Threshold: spec.thresholdPercent,
    };
  }

  async #describe(): Promise<ExistingAlarm[]> {
    const alarms: ExistingAlarm[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#client.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: this.#options.prefix,
          AlarmTypes: ['MetricAlarm'],
          MaxRecords: 100,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
      alarms.push(...(page.MetricAlarms ?? []).map(existingOf));
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return alarms;
  }
}

function existingOf(alarm: MetricAlarm): ExistingAlarm {
  return {
    name: alarm.AlarmName ?? '',
    description: alarm.AlarmDescription ?? '',
    firing: alarm.StateValue === 'ALARM',
    reason:
      alarm.StateReason ?? `alarm ${alarm.AlarmName ?? ''} is ${alarm.StateValue ?? 'in an unknown state'}`,
  };
}
