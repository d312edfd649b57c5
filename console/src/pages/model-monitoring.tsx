/**
 * One model's monitoring: requests, errors and p50/p95/p99 latency over time per version (the usage
 * report by version), the arms of a split side by side (share of requests, error rate, latency), the
 * drift of each feature with its training and live distributions overlaid (the drift report of a
 * version), and the model's open alerts.
 */
import { useState } from 'preact/hooks';
import { type Schemas, unwrap } from '../api.ts';
import { Chart } from '../charts/chart.tsx';
import { armsLatencyPlot, distributionPlot, latencyPlot, trafficPlot } from '../charts/monitoring-plots.ts';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { Link, navigate } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import { AlertTable } from './monitoring/alert-table.tsx';
import {
  type ArmRow,
  armLatencyBars,
  armRows,
  distributionBars,
  type FeatureDistribution,
  latencyPoints,
  type TrafficPoint,
  trafficPoints,
} from './monitoring/usage-charts.ts';
import type { PageProps } from './registry.ts';

const CHART_WIDTH = 720;

/** The windows offered: the API's default span for each granularity. */
const WINDOWS = {
  hour: { label: 'Last hour, per minute', granularity: 'minute', ms: 3_600_000 },
  day: { label: 'Last 24 hours, per hour', granularity: 'hour', ms: 86_400_000 },
  month: { label: 'Last 30 days, per day', granularity: 'day', ms: 30 * 86_400_000 },
} as const;
type WindowName = keyof typeof WINDOWS;

export default function ModelMonitoringPage({ params, query }: PageProps) {
  const name = params.name ?? '';
  const windowName: WindowName = (query.get('window') as WindowName | null) ?? 'hour';
  const window = WINDOWS[windowName] ?? WINDOWS.hour;
  return (
    <section>
      <p>
        <Link to="monitoring">Monitoring</Link> · <Link to={pathTo('models/:name', { name })}>{name}</Link>
      </p>
      <h1>Monitoring: {name}</h1>
      <ModelAlerts name={name} />
      <div class="actions">
        <label for="usage-window" class="inline">
          Window
        </label>
        <select
          id="usage-window"
          value={windowName}
          onChange={(event) =>
            navigate(`${pathTo('monitoring/:name', { name })}?window=${event.currentTarget.value}`, {
              replace: true,
            })
          }
        >
          {(Object.keys(WINDOWS) as WindowName[]).map((key) => (
            <option key={key} value={key}>
              {WINDOWS[key].label}
            </option>
          ))}
        </select>
      </div>
      <Usage name={name} granularity={window.granularity} spanMs={window.ms} />
      <Drift name={name} />
    </section>
  );
}

function ModelAlerts({ name }: { readonly name: string }) {
  const { api } = useConsole();
  const alerts = useResource(
    async () =>
      unwrap(await api.GET('/v1/alerts', { params: { query: { model: name, state: 'open', limit: 100 } } }))
        .items,
    [api, name],
  );
  return (
    <>
      <h2>Open alerts</h2>
      <ResourceView resource={alerts} label="alerts">
        {(items) => <AlertTable alerts={items} />}
      </ResourceView>
    </>
  );
}

function Usage({
  name,
  granularity,
  spanMs,
}: {
  readonly name: string;
  readonly granularity: 'minute' | 'hour' | 'day';
  readonly spanMs: number;
}) {
  const { api } = useConsole();
  const usage = useResource(async () => {
    const to = new Date();
    const from = new Date(to.getTime() - spanMs);
    return unwrap(
      await api.GET('/v1/models/{name}/usage', {
        params: {
          path: { name },
          query: { by: 'version', granularity, from: from.toISOString(), to: to.toISOString() },
        },
      }),
    );
  }, [api, name, granularity, spanMs]);
  return (
    <ResourceView resource={usage} label="usage">
      {(report) => <UsageCharts report={report} />}
    </ResourceView>
  );
}

function UsageCharts({ report }: { readonly report: Schemas['ModelUsage'] }) {
  const traffic = trafficPoints(report);
  const latency = latencyPoints(report);
  const arms = armRows(report);
  if (report.totals.requests === 0) {
    return (
      <>
        <h2>Traffic</h2>
        <p>No predictions in this window.</p>
      </>
    );
  }
  return (
    <>
      <h2>Traffic</h2>
      <p>
        {report.totals.requests} requests, {(report.totals.errorRate * 100).toFixed(1)} % errors, p95{' '}
        {report.totals.latencyMs.p95 ?? '–'} ms from {report.from.slice(0, 16).replace('T', ' ')} to{' '}
        {report.to.slice(0, 16).replace('T', ' ')} UTC.
      </p>
      <Chart
        label="Requests over time per version"
        caption="Requests per period, one line per version."
        inputs={[traffic]}
        render={() => trafficPlot(traffic, { width: CHART_WIDTH, y: 'requests', label: 'Requests' })}
      />
      <Chart
        label="Errors over time per version"
        caption="Client and server errors (4xx + 5xx) per period, one line per version."
        inputs={[traffic]}
        render={() => trafficPlot(traffic, { width: CHART_WIDTH, y: 'errors', label: 'Errors' })}
      />
      <Chart
        label="Latency percentiles over time per version"
        caption="p50, p95 and p99 of the request latency per period (upper bounds of log-spaced buckets), one panel per version."
        inputs={[latency]}
        render={() => latencyPlot(latency, { width: CHART_WIDTH })}
      />
      <TrafficTable points={traffic} />
      <Arms arms={arms} />
    </>
  );
}

function TrafficTable({ points }: { readonly points: readonly TrafficPoint[] }) {
  return (
    <details>
      <summary>Traffic as a table</summary>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Requests and errors per version and period</caption>
          <thead>
            <tr>
              <th scope="col">Period (UTC)</th>
              <th scope="col">Version</th>
              <th scope="col" class="number">
                Requests
              </th>
              <th scope="col" class="number">
                Errors
              </th>
            </tr>
          </thead>
          <tbody>
            {points.map((point) => (
              <tr key={`${point.version}@${point.start.toISOString()}`}>
                <td>{point.start.toISOString().slice(0, 16).replace('T', ' ')}</td>
                <td>{point.version}</td>
                <td class="number">{point.requests}</td>
                <td class="number">{point.errors}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
const ms = (value: number | null) => (value === null ? '–' : `${value} ms`);

function Arms({ arms }: { readonly arms: readonly ArmRow[] }) {
  return (
    <>
      <h2>Versions side by side</h2>
      <p class="hint">The arms of a split (or every version that answered), over the whole window.</p>
      <div class="table-wrap">
        <table data-testid="arms">
          <caption class="visually-hidden">Versions compared</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col" class="number">
                Requests
              </th>
              <th scope="col" class="number">
                Share
              </th>
              <th scope="col" class="number">
                Error rate
              </th>
              <th scope="col" class="number">
                p50
              </th>
              <th scope="col" class="number">
                p95
              </th>
              <th scope="col" class="number">
                p99
              </th>
            </tr>
          </thead>
          <tbody>
            {arms.map((arm) => (
              <tr key={arm.version}>
                <td>{arm.version}</td>
                <td class="number">{arm.requests}</td>
                <td class="number">{percent(arm.share)}</td>
                <td class="number">{percent(arm.errorRate)}</td>
                <td class="number">{ms(arm.p50)}</td>
                <td class="number">{ms(arm.p95)}</td>
                <td class="number">{ms(arm.p99)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Chart
        label="Latency percentiles of each version, side by side"
        caption="p50, p95 and p99 over the window, grouped by version."
        inputs={[arms]}
        render={() => armsLatencyPlot(armLatencyBars(arms), { width: CHART_WIDTH })}
      />
    </>
  );
}

function Drift({ name }: { readonly name: string }) {
  const { api } = useConsole();
  const [version, setVersion] = useState<number>();
  const versions = useResource(
    async () =>
      unwrap(
        await api.GET('/v1/models/{name}/versions', { params: { path: { name }, query: { limit: 100 } } }),
      ).items,
    [api, name],
  );
  const report = useResource(
    async () =>
      unwrap(
        await api.GET('/v1/models/{name}/drift', {
          params: { path: { name }, query: version === undefined ? {} : { version } },
        }),
      ),
    [api, name, version],
  );
  return (
    <>
      <h2>Drift</h2>
      {versions.state === 'ready' && versions.data.length > 1 ? (
        <div class="actions">
          <label for="drift-version" class="inline">
            Version
          </label>
          <select
            id="drift-version"
            value={version === undefined ? '' : String(version)}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setVersion(value === '' ? undefined : Number(value));
            }}
          >
            <option value="">Newest</option>
            {versions.data.map((v) => (
              <option key={v.version} value={String(v.version)}>
                v{v.version}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <ResourceView resource={report} label="the drift report">
        {(loaded) => <DriftReport report={loaded} />}
      </ResourceView>
    </>
  );
}

type DriftFeature = Schemas['DriftReport']['features'][number];

function DriftReport({ report }: { readonly report: Schemas['DriftReport'] }) {
  return (
    <>
      <p>
        Version {report.version}: <span class={`badge drift-${report.verdict}`}>{report.verdict}</span> over{' '}
        {report.rows} served rows from {report.from.slice(0, 16).replace('T', ' ')} to{' '}
        {report.to.slice(0, 16).replace('T', ' ')} UTC (PSI warning at {report.thresholds.warning}, drift at{' '}
        {report.thresholds.drift}).
      </p>
      <div class="table-wrap">
        <table data-testid="drift-features">
          <caption class="visually-hidden">Drift per feature</caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Kind</th>
              <th scope="col">Verdict</th>
              <th scope="col" class="number">
                PSI
              </th>
              <th scope="col" class="number">
                Served values
              </th>
              <th scope="col" class="number">
                Missing (training)
              </th>
            </tr>
          </thead>
          <tbody>
            {report.features.map((feature) => (
              <tr key={feature.column}>
                <td>{feature.column}</td>
                <td>{feature.kind}</td>
                <td>
                  <span class={`badge drift-${feature.verdict}`}>{feature.verdict}</span>
                </td>
                <td class="number">{feature.psi === null ? '–' : feature.psi.toFixed(3)}</td>
                <td class="number">{feature.count}</td>
                <td class="number">
                  {percent(feature.missingShare)} ({percent(feature.baselineMissingShare)})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="grid">
        {report.features.map((feature) => (
          <FeatureOverlay key={feature.column} feature={feature} />
        ))}
      </div>
    </>
  );
}

function FeatureOverlay({ feature }: { readonly feature: DriftFeature }) {
  const distribution = (feature as { distribution?: FeatureDistribution }).distribution;
  if (distribution === undefined) return null;
  const bars = distributionBars(distribution);
  return (
    <Chart
      label={`Training and live distributions of ${feature.column}`}
      caption={`${feature.column}: share of values per ${feature.kind === 'numeric' ? 'bin' : 'category'}, training under live (PSI ${feature.psi === null ? 'not computed' : feature.psi.toFixed(3)}).`}
      inputs={[bars]}
      render={() => distributionPlot(bars, { width: 420 })}
    />
  );
}
