/**
 * A model version: facts, signature, metrics, lineage drawn as dataset → training job → version,
 * the audit trail of its status changes, a download of its ONNX file, and a link to predict with it.
 */
import { useState } from 'preact/hooks';
import { type Schemas, unwrap } from '../api.ts';
import { StatusBadge } from '../components/badge.tsx';
import { Facts } from '../components/facts.tsx';
import { formatBytes, formatNumber, formatTime } from '../components/format.ts';
import { ProblemView } from '../components/problem-view.tsx';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { Link } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import type { PageProps } from './registry.ts';
import { LineageDiagram } from './version-lineage.tsx';

type Version = Schemas['ModelVersion'];

export default function VersionPage({ params }: PageProps) {
  const { api } = useConsole();
  const name = params.name ?? '';
  const version = Number(params.version);
  const resource = useResource(
    async () =>
      unwrap(await api.GET('/v1/models/{name}/versions/{version}', { params: { path: { name, version } } })),
    [api, name, version],
  );
  return (
    <section>
      <p>
        <Link to="models">Models</Link> / <Link to={pathTo('models/:name', { name })}>{name}</Link> /
      </p>
      <h1>
        {name} version {params.version}
      </h1>
      <ResourceView resource={resource} label="the version">
        {(data) => <VersionDetails version={data} />}
      </ResourceView>
    </section>
  );
}

function VersionDetails({ version }: { readonly version: Version }) {
  const path = { name: version.modelName, version: String(version.version) };
  return (
    <>
      <Facts
        items={[
          ['Status', <StatusBadge key="status" status={version.status} />],
          ['Framework', `${version.framework}${version.producer ? ` (${version.producer})` : ''}`],
          ['Size', formatBytes(version.sizeBytes)],
          ['SHA-256', <code key="sha">{version.sha256}</code>],
          ['Created', `${formatTime(version.createdAt)} by ${version.createdBy}`],
        ]}
      />
      <div class="actions">
        <Link to={pathTo('models/:name/versions/:version/predict', path)} class="button">
          Predict
        </Link>
        <Download name={version.modelName} version={version.version} />
      </div>

      <h2>Signature</h2>
      <p>
        A {version.signature.kind}
        {version.signature.classLabels ? ` with classes ${version.signature.classLabels.join(', ')}` : ''}.
      </p>
      <div class="grid">
        <TensorTable caption="Inputs" tensors={version.signature.inputs} />
        <TensorTable caption="Outputs" tensors={version.signature.outputs} />
      </div>
      {version.signature.ignoredInputs?.length ? (
        <p class="hint">Accepted and ignored: {version.signature.ignoredInputs.join(', ')}.</p>
      ) : null}

      <h2>Metrics</h2>
      <MetricsTable metrics={version.metrics} />

      <h2>Lineage</h2>
      <LineageDiagram version={version} />

      <h2>Audit trail</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Change</th>
              <th scope="col">Comment</th>
            </tr>
          </thead>
          <tbody>
            {version.auditTrail.map((entry) => (
              <tr key={`${entry.at}-${entry.to}`}>
                <td>{formatTime(entry.at)}</td>
                <td>{entry.by}</td>
                <td>
                  {entry.from ?? 'registered'} → <StatusBadge status={entry.to} />
                </td>
                <td>{entry.comment ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function TensorTable({
  caption,
  tensors,
}: {
  readonly caption: string;
  readonly tensors: Schemas['ModelSignature']['inputs'];
}) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Shape</th>
          </tr>
        </thead>
        <tbody>
          {tensors.map((tensor) => (
            <tr key={tensor.name}>
              <td>
                <code>{tensor.name}</code>
              </td>
              <td>{tensor.type}</td>
              <td>{tensor.shape === null ? '—' : `[${tensor.shape.map((d) => d ?? '?').join(', ')}]`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Flat metrics as rows; nested ones (per-class reports, candidate lists) as their JSON. */
function MetricsTable({ metrics }: { readonly metrics: Version['metrics'] }) {
  const entries = Object.entries(metrics);
  if (entries.length === 0) return <p>No metrics recorded (an uploaded model brings none).</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([key, value]) => (
            <tr key={key}>
              <th scope="row">{key}</th>
              <td class={typeof value === 'number' ? 'number' : ''}>
                {typeof value === 'object' && value !== null ? (
                  <code>{JSON.stringify(value)}</code>
                ) : (
                  formatNumber(value)
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Asks for a short-lived download URL, then lets the browser fetch the file from storage. */
function Download({ name, version }: { readonly name: string; readonly version: number }) {
  const { api } = useConsole();
  const [link, setLink] = useState<Schemas['ModelArtifactDownload']>();
  const [error, setError] = useState<unknown>();
  const prepare = async () => {
    setError(undefined);
    try {
      setLink(
        unwrap(
          await api.GET('/v1/models/{name}/versions/{version}/download', {
            params: { path: { name, version } },
          }),
        ),
      );
    } catch (downloadError) {
      setError(downloadError);
    }
  };
  if (link !== undefined) {
    return (
      <span>
        <a class="button secondary" href={link.url} download={`${name}-v${version}.onnx`}>
          Download the ONNX file ({formatBytes(link.sizeBytes)})
        </a>{' '}
        <span class="hint">
          link valid until {formatTime(link.expiresAt)}; SHA-256 {link.sha256.slice(0, 12)}…
        </span>
      </span>
    );
  }
  return (
    <>
      <button type="button" class="secondary" onClick={() => void prepare()}>
        Download…
      </button>
      {error === undefined ? null : <ProblemView error={error} />}
    </>
  );
}
