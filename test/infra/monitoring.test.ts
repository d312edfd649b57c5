/** The per-stage predictions dashboard: one SEARCH per usage metric the prediction functions emit. */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { USAGE_METRICS } from '#core/monitoring/usage-metric-names.ts';
import { PlatformMonitoring } from '../../infra/constructs/monitoring.ts';

function dashboardBody(stage: string) {
  const stack = new Stack(new App(), 'Test');
  new PlatformMonitoring(stack, 'Monitoring', { stage });
  const dashboards = Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard');
  expect(Object.keys(dashboards)).toHaveLength(1);
  const [dashboard] = Object.values(dashboards) as [{ Properties: any }];
  const body = dashboard.Properties.DashboardBody;
  // The body is a Fn::Join of literal parts and the region.
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : '')).join('');
  return { name: dashboard.Properties.DashboardName, widgets: JSON.parse(text).widgets as any[] };
}

describe('PlatformMonitoring', () => {
  it('names the dashboard after the stage', () => {
    expect(dashboardBody('prod').name).toBe('MlPlatform-prod-predictions');
  });

  it('graphs every usage metric per model and version through a metric search', () => {
    const { widgets } = dashboardBody('dev');
    const expressions = widgets
      .flatMap((w) => w.properties.metrics ?? [])
      .map((m: any[]) => m.find((part) => typeof part === 'object' && part?.expression)?.expression as string)
      .filter(Boolean);
    for (const name of Object.values(USAGE_METRICS)) {
      expect(expressions.some((e) => e.includes(`MetricName="${name}"`))).toBe(true);
    }
    for (const expression of expressions) {
      expect(expression).toMatch(/^SEARCH\('\{MlPlatform,model,service,version\} service="ml-platform" /);
    }
    expect(
      expressions.filter((e) => e.includes('"PredictionLatency"')).map((e) => e.match(/'(p\d+)'/)?.[1]),
    ).toEqual(['p50', 'p99']);
  });
});
