/**
 * Prediction monitoring for one stage: a CloudWatch dashboard over the usage metrics the prediction
 * functions emit (EMF, `functions/adapters/cloudwatch/usage-metrics.ts`) with `model` and `version`
 * dimensions. Models are registered at run time, so each widget is a metric SEARCH: one line per
 * model and version that has traffic, with no redeploy when a model or version appears.
 */
import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, MathExpression, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { USAGE_METRICS } from '#core/monitoring/usage-metric-names.ts';

export interface PlatformMonitoringProps {
  readonly stage: string;
  /** @default 'ml-platform' (the service name of functions/observability.ts) */
  readonly serviceName?: string;
  /** @default 'MlPlatform' (the metric namespace of functions/observability.ts) */
  readonly metricsNamespace?: string;
}

/**
 * @example
 * new PlatformMonitoring(this, 'Monitoring', { stage: 'dev' });
 */
export class PlatformMonitoring extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PlatformMonitoringProps) {
    super(scope, id);
    const namespace = props.metricsNamespace ?? 'MlPlatform';
    const serviceName = props.serviceName ?? 'ml-platform';
    const period = Duration.minutes(1);
    // Powertools adds the `service` dimension to every metric; the schema names all three.
    const perModel = (metricName: string, statistic: string, label: string) =>
      new MathExpression({
        expression: `SEARCH('{${namespace},model,service,version} service="${serviceName}" MetricName="${metricName}"', '${statistic}', ${period.toSeconds()})`,
        usingMetrics: {},
        label,
        period,
      });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `MlPlatform-${props.stage}-predictions`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new TextWidget({
            markdown: `# Predictions (${props.stage})\nPer model and version: traffic, errors, latency. The API answers \`GET /v1/models/{name}/usage\` from the same counts.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          new GraphWidget({
            title: 'Requests per model and version (1 min)',
            left: [perModel(USAGE_METRICS.requests, 'Sum', 'requests')],
            width: 12,
          }),
          new GraphWidget({
            title: 'Rows per model and version (1 min)',
            left: [perModel(USAGE_METRICS.rows, 'Sum', 'rows')],
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Client errors (4xx) per model and version',
            left: [perModel(USAGE_METRICS.clientErrors, 'Sum', '4xx')],
            width: 12,
          }),
          new GraphWidget({
            title: 'Server errors (5xx) per model and version',
            left: [perModel(USAGE_METRICS.serverErrors, 'Sum', '5xx')],
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Prediction latency p50 / p99 (ms)',
            left: [
              perModel(USAGE_METRICS.latency, 'p50', 'p50'),
              perModel(USAGE_METRICS.latency, 'p99', 'p99'),
            ],
            width: 12,
          }),
          new GraphWidget({
            title: 'Model run time p99 (ms)',
            left: [perModel(USAGE_METRICS.modelLatency, 'p99', 'p99')],
            width: 12,
          }),
        ],
      ],
    });
  }
}
