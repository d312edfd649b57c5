/**
 * A dataset version: its facts, the quality report (blocking findings and warnings, with where
 * they occur), and the profile of each column: type and why, missing and distinct counts, and a
 * histogram (numeric columns) or its most frequent values (categorical, boolean and text columns).
 */
import { type Schemas, unwrap } from '../api.ts';
import { Chart } from '../charts/chart.tsx';
import { histogramPlot, topValuesPlot } from '../charts/plots.ts';
import { StatusBadge } from '../components/badge.tsx';
import { Facts } from '../components/facts.tsx';
import { formatBytes, formatNumber, formatShare, formatTime } from '../components/format.ts';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { Link } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import type { PageProps } from './registry.ts';

type Column = Schemas['DatasetColumnProfile'];
type Issue = Schemas['DatasetQualityIssue'];

const CHART_WIDTH = 360;

export default function DatasetVersionPage({ params }: PageProps) {
  const { api } = useConsole();
  const name = params.name ?? '';
  const version = Number(params.version);
  const resource = useResource(
    async () =>
      unwrap(
        await api.GET('/v1/datasets/{name}/versions/{version}', { params: { path: { name, version } } }),
      ),
    [api, name, version],
  );
  return (
    <section>
      <p>
        <Link to="datasets">Datasets</Link> / <Link to={pathTo('datasets/:name', { name })}>{name}</Link> /
      </p>
      <h1>
        {name} version {params.version}
      </h1>
      <ResourceView resource={resource} label="the dataset version">
        {(data) => (
          <>
            <Facts
              items={[
                ['Status', <StatusBadge key="s" status={data.status} />],
                ['Format', data.format],
                ['Rows', formatNumber(data.rowCount)],
                ['Columns', formatNumber(data.columnCount)],
                ['Size', formatBytes(data.sizeBytes)],
                [
                  'Committed',
                  data.committedAt ? `${formatTime(data.committedAt)} by ${data.committedBy ?? '?'}` : '—',
                ],
                ...(data.failureReason ? ([['Failure', data.failureReason]] as const) : []),
              ]}
            />
            <h2>Quality report</h2>
            {data.quality === undefined ? (
              <p>No report yet (not committed).</p>
            ) : (
              <QualityReport report={data.quality} />
            )}
            <h2>Columns</h2>
            {data.profile === undefined ? (
              <p>No profile yet.</p>
            ) : (
              <div class="columns">
                {data.profile.columns.map((column) => (
                  <ColumnCard key={column.position} column={column} />
                ))}
              </div>
            )}
          </>
        )}
      </ResourceView>
    </section>
  );
}

function QualityReport({ report }: { readonly report: Schemas['DatasetQualityReport'] }) {
  if (report.blocking.length === 0 && report.warnings.length === 0) {
    return <p class="notice">No findings: the file is usable as it is.</p>;
  }
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Finding</th>
            <th scope="col">Column</th>
            <th scope="col" class="number">
              Count
            </th>
            <th scope="col">Where</th>
          </tr>
        </thead>
        <tbody>
          {[...report.blocking, ...report.warnings].map((issue: Issue, i) => (
            <tr key={`${issue.code}-${issue.column ?? ''}-${i}`}>
              <td>
                <span class={`badge ${issue.severity === 'blocking' ? 'rejected' : 'pending'}`}>
                  {issue.severity}
                </span>
              </td>
              <td>
                <code>{issue.code}</code> {issue.message}
              </td>
              <td>{issue.column ?? '—'}</td>
              <td class="number">{formatNumber(issue.count)}</td>
              <td>
                {issue.rows?.length
                  ? `rows ${issue.rows.join(', ')}`
                  : issue.lines?.length
                    ? `lines ${issue.lines.join(', ')}`
                    : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ColumnCard({ column }: { readonly column: Column }) {
  const headingId = `column-${column.position}`;
  return (
    <article class="panel column" aria-labelledby={headingId} data-column={column.name}>
      <h3 id={headingId}>
        {column.name} <span class="tag">{column.type}</span>
      </h3>
      <p class="hint">{column.typeReason}</p>
      <Facts
        items={[
          ['Missing', `${formatNumber(column.missing)} (${formatShare(column.missingShare)})`],
          ['Distinct', `${column.distinctApproximate ? '≈' : ''}${formatNumber(column.distinct)}`],
          ...(column.numeric
            ? ([
                ['Range', `${formatNumber(column.numeric.min)} to ${formatNumber(column.numeric.max)}`],
                ['Mean ± std', `${formatNumber(column.numeric.mean)} ± ${formatNumber(column.numeric.std)}`],
              ] as const)
            : []),
          ...(column.datetime
            ? ([['Range', `${column.datetime.min} to ${column.datetime.max}`]] as const)
            : []),
        ]}
      />
      {column.histogram && column.histogram.bins.length > 0 ? (
        <Chart
          label={`Histogram of ${column.name}: ${column.histogram.bins.length} bins`}
          caption={`Rows per bin of width ${formatNumber(column.histogram.binWidth)}`}
          inputs={[column]}
          render={() =>
            histogramPlot(column.histogram?.bins ?? [], { width: CHART_WIDTH, label: column.name })
          }
        />
      ) : null}
      {column.topValues && column.topValues.values.length > 0 ? (
        <Chart
          label={`Most frequent values of ${column.name}: ${column.topValues.values.map((v) => `${v.value} ${v.count}`).join(', ')}`}
          caption={`Most frequent values${column.topValues.approximate ? ' (approximate counts)' : ''}`}
          inputs={[column]}
          render={() => topValuesPlot(column.topValues?.values ?? [], { width: CHART_WIDTH, label: 'rows' })}
        />
      ) : null}
    </article>
  );
}
