/**
 * A metric across a model's versions, as a line chart (the view MLflow users ask for): every
 * version's recorded metrics read from the registry, one metric picked (the model's selection
 * metric first when the versions name it), drawn version by version with each version's approval
 * status, and listed in a table with the same numbers.
 */
import { useState } from 'preact/hooks';
import { type Schemas, unwrap } from '../api.ts';
import { Chart } from '../charts/chart.tsx';
import { metricHistoryPlot } from '../charts/training-plots.ts';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { Link } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import type { PageProps } from './registry.ts';
import { metricNames, metricSeries } from './training/version-metrics.ts';

type Version = Schemas['ModelVersion'];

/** Every version of the model, following the pages. */
async function allVersions(api: ReturnType<typeof useConsole>['api'], name: string): Promise<Version[]> {
  const versions: Version[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(
      await api.GET('/v1/models/{name}/versions', {
        params: { path: { name }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
      }),
    );
    versions.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return versions;
}

export default function ModelMetricsPage({ params, query }: PageProps) {
  const { api } = useConsole();
  const name = params.name ?? '';
  const versions = useResource(() => allVersions(api, name), [api, name]);
  return (
    <section>
      <p>
        <Link to={pathTo('models/:name', { name })}>{name}</Link>
      </p>
      <h1>Metrics across the versions of {name}</h1>
      <ResourceView resource={versions} label="versions">
        {(loaded) => (
          <MetricHistory name={name} versions={loaded} initial={query.get('metric') ?? undefined} />
        )}
      </ResourceView>
    </section>
  );
}

function MetricHistory({
  name,
  versions,
  initial,
}: {
  readonly name: string;
  readonly versions: readonly Version[];
  readonly initial: string | undefined;
}) {
  const names = metricNames(versions);
  const [metric, setMetric] = useState(initial && names.includes(initial) ? initial : (names[0] ?? ''));
  if (names.length === 0)
    return <p>No version of {name} records a metric (uploaded models carry none unless given).</p>;
  const points = metricSeries(versions, metric);
  return (
    <>
      <div class="actions">
        <label for="metric-choice" class="inline">
          Metric
        </label>
        <select id="metric-choice" value={metric} onChange={(event) => setMetric(event.currentTarget.value)}>
          {names.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </div>
      <Chart
        label={`${metric} by version of ${name}`}
        caption={`${metric} of each version that records it (${points.length} of ${versions.length}); a dot's colour is the version's approval status.`}
        inputs={[points, metric]}
        render={() => metricHistoryPlot(points, { width: 720, metric })}
      />
      <div class="table-wrap">
        <table>
          <caption>{metric} by version</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col" class="number">
                {metric}
              </th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {points.map((point) => (
              <tr key={point.version}>
                <td>
                  <Link
                    to={pathTo('models/:name/versions/:version', { name, version: String(point.version) })}
                  >
                    v{point.version}
                  </Link>
                </td>
                <td class="number">{point.value.toFixed(4)}</td>
                <td>
                  <span class={`badge ${point.status}`}>{point.status}</span>
                </td>
                <td>{point.createdAt.slice(0, 16).replace('T', ' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
