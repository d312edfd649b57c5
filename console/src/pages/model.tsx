/**
 * A model: its facts, its versions with their status (admins approve or reject each with a
 * comment), and its aliases, each pointing at one version or splitting traffic between several.
 */
import { useState } from 'preact/hooks';
import { type Api, type Schemas, unwrap } from '../api.ts';
import { StatusBadge } from '../components/badge.tsx';
import { Facts } from '../components/facts.tsx';
import { formatBytes, formatTime } from '../components/format.ts';
import { ProblemView } from '../components/problem-view.tsx';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole, useIsAdmin } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { Link } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import { AliasEditor } from './model-aliases.tsx';
import type { PageProps } from './registry.ts';

type Model = Schemas['Model'];
type Version = Schemas['ModelVersion'];

export default function ModelPage({ params }: PageProps) {
  const { api } = useConsole();
  const name = params.name ?? '';
  const model = useResource(
    async () => unwrap(await api.GET('/v1/models/{name}', { params: { path: { name } } })),
    [api, name],
  );
  const versions = useResource(
    async () =>
      unwrap(
        await api.GET('/v1/models/{name}/versions', { params: { path: { name }, query: { limit: 100 } } }),
      ),
    [api, name],
  );
  const reload = () => {
    model.reload();
    versions.reload();
  };
  return (
    <section>
      <p>
        <Link to="models">Models</Link> /
      </p>
      <h1>{name}</h1>
      <ResourceView resource={model} label="the model">
        {(data) => <ModelFacts model={data} />}
      </ResourceView>
      <h2>Versions</h2>
      <p>
        <Link to={pathTo('models/:name/upload', { name })} class="button">
          Upload a version
        </Link>{' '}
        <Link to={pathTo('models/:name/metrics', { name })} class="button secondary">
          Metrics across versions
        </Link>{' '}
        <Link to={pathTo('monitoring/:name', { name })} class="button secondary">
          Monitoring
        </Link>
      </p>
      <ResourceView resource={versions} label="versions">
        {(page) => <VersionTable api={api} name={name} versions={page.items} onChange={reload} />}
      </ResourceView>
      <h2>Aliases</h2>
      {model.state === 'ready' && versions.state === 'ready' ? (
        <AliasEditor model={model.data} versions={versions.data.items} onChange={reload} />
      ) : null}
    </section>
  );
}

function ModelFacts({ model }: { readonly model: Model }) {
  return (
    <Facts
      items={[
        ['Task', model.task],
        ['Description', model.description || '—'],
        [
          'Tags',
          <span class="tags" key="tags">
            {model.tags.map((tag) => (
              <Link key={tag} to={`models?tag=${encodeURIComponent(tag)}`} class="tag">
                {tag}
              </Link>
            ))}
          </span>,
        ],
        ['Owner', model.ownerUsername],
        ['Visible to', model.teamVisible ? 'the whole team' : 'its owner and admins'],
        ['Updated', formatTime(model.updatedAt)],
      ]}
    />
  );
}

function VersionTable({
  api,
  name,
  versions,
  onChange,
}: {
  readonly api: Api;
  readonly name: string;
  readonly versions: readonly Version[];
  readonly onChange: () => void;
}) {
  const isAdmin = useIsAdmin();
  if (versions.length === 0) return <p>No versions yet: upload an ONNX file, or train one.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Framework</th>
            <th scope="col" class="number">
              Size
            </th>
            <th scope="col">Created</th>
            {isAdmin ? <th scope="col">Review</th> : null}
          </tr>
        </thead>
        <tbody>
          {[...versions]
            .sort((a, b) => b.version - a.version)
            .map((version) => (
              <tr key={version.version}>
                <td>
                  <Link
                    to={pathTo('models/:name/versions/:version', { name, version: String(version.version) })}
                  >
                    Version {version.version}
                  </Link>
                </td>
                <td>
                  <StatusBadge status={version.status} />
                </td>
                <td>{version.framework}</td>
                <td class="number">{formatBytes(version.sizeBytes)}</td>
                <td>
                  {formatTime(version.createdAt)} by {version.createdBy}
                </td>
                {isAdmin ? (
                  <td>
                    {version.status === 'pending' ? (
                      <ReviewForm api={api} name={name} version={version.version} onDone={onChange} />
                    ) : (
                      '—'
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}

/** Approve (comment optional) or reject (comment required, for the audit trail). */
function ReviewForm({
  api,
  name,
  version,
  onDone,
}: {
  readonly api: Api;
  readonly name: string;
  readonly version: number;
  readonly onDone: () => void;
}) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const id = `review-${version}`;
  const review = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setError(undefined);
    try {
      const path = { name, version };
      if (decision === 'approve') {
        unwrap(
          await api.POST('/v1/models/{name}/versions/{version}/approve', {
            params: { path },
            body: comment.trim() ? { comment: comment.trim() } : {},
          }),
        );
      } else {
        unwrap(
          await api.POST('/v1/models/{name}/versions/{version}/reject', {
            params: { path },
            body: { comment: comment.trim() },
          }),
        );
      }
      onDone();
    } catch (reviewError) {
      setError(reviewError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="review"
      aria-label={`Review version ${version}`}
      onSubmit={(event) => {
        event.preventDefault();
        void review('approve');
      }}
    >
      <label for={id}>
        Comment <span class="hint">(required to reject)</span>
      </label>
      <input id={id} value={comment} onInput={(event) => setComment(event.currentTarget.value)} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          Approve
        </button>
        <button
          type="button"
          class="danger"
          disabled={busy || comment.trim() === ''}
          onClick={() => void review('reject')}
        >
          Reject
        </button>
      </div>
      {error === undefined ? null : <ProblemView error={error} />}
    </form>
  );
}
