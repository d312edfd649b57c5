/**
 * API keys: create one (the secret is shown once, here, and never again), list the caller's
 * (admins: everyone's), revoke.
 */
import { useState } from 'preact/hooks';
import { type Schemas, unwrap } from '../api.ts';
import { StatusBadge } from '../components/badge.tsx';
import { formatTime } from '../components/format.ts';
import { ProblemView } from '../components/problem-view.tsx';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { useResource } from '../use-resource.ts';

export default function ApiKeysPage() {
  const { api } = useConsole();
  const keys = useResource(
    async () => unwrap(await api.GET('/v1/api-keys', { params: { query: { limit: 100 } } })),
    [api],
  );
  const [created, setCreated] = useState<Schemas['CreatedApiKey']>();
  return (
    <section>
      <h1>API keys</h1>
      <p class="hint">
        A key stands for you in scripts and services: send it as `Authorization: Bearer &lt;key&gt;`.
      </p>
      <CreateKeyForm
        onCreated={(key) => {
          setCreated(key);
          keys.reload();
        }}
      />
      {created === undefined ? null : (
        <div class="notice" role="status">
          <p>
            <strong>Copy the secret of “{created.name}” now:</strong> it is not stored and will not be shown
            again.
          </p>
          <code class="secret" data-testid="api-key-secret">
            {created.apiKey}
          </code>
          <div class="actions">
            <button
              type="button"
              class="secondary"
              onClick={() => void navigator.clipboard?.writeText(created.apiKey)}
            >
              Copy
            </button>
            <button type="button" class="secondary" onClick={() => setCreated(undefined)}>
              I have copied it
            </button>
          </div>
        </div>
      )}
      <h2>Keys</h2>
      <ResourceView resource={keys} label="API keys">
        {(page) => <KeyTable keys={page.items} onRevoked={keys.reload} />}
      </ResourceView>
    </section>
  );
}

function CreateKeyForm({ onCreated }: { readonly onCreated: (key: Schemas['CreatedApiKey']) => void }) {
  const { api } = useConsole();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'predict' | 'full'>('predict');
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const key = unwrap(
        await api.POST('/v1/api-keys', {
          body: {
            name: name.trim(),
            scope,
            ...(expires ? { expiresAt: new Date(`${expires}T23:59:59Z`).toISOString() } : {}),
          },
        }),
      );
      setName('');
      onCreated(key);
    } catch (createError) {
      setError(createError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel" aria-label="Create an API key" onSubmit={submit}>
      <h2>Create a key</h2>
      <label for="key-name">Name</label>
      <input
        id="key-name"
        value={name}
        onInput={(event) => setName(event.currentTarget.value)}
        required
        maxLength={100}
      />
      <label for="key-scope">Scope</label>
      <select
        id="key-scope"
        value={scope}
        onChange={(event) => setScope(event.currentTarget.value as 'predict' | 'full')}
      >
        <option value="predict">predict: predictions only</option>
        <option value="full">full: everything you may do</option>
      </select>
      <label for="key-expires">
        Expires <span class="hint">(optional, end of that day UTC)</span>
      </label>
      <input
        id="key-expires"
        type="date"
        value={expires}
        onInput={(event) => setExpires(event.currentTarget.value)}
      />
      <div class="actions">
        <button type="submit" disabled={busy}>
          Create key
        </button>
      </div>
      {error === undefined ? null : <ProblemView error={error} />}
    </form>
  );
}

function KeyTable({
  keys,
  onRevoked,
}: {
  readonly keys: readonly Schemas['ApiKey'][];
  readonly onRevoked: () => void;
}) {
  const { api } = useConsole();
  const [error, setError] = useState<unknown>();
  if (keys.length === 0) return <p>No keys yet.</p>;
  const revoke = async (key: Schemas['ApiKey']) => {
    if (!window.confirm(`Revoke “${key.name}”? Anything using it stops working at once.`)) return;
    setError(undefined);
    try {
      unwrap(await api.DELETE('/v1/api-keys/{keyId}', { params: { path: { keyId: key.keyId } } }));
      onRevoked();
    } catch (revokeError) {
      setError(revokeError);
    }
  };
  return (
    <>
      {error === undefined ? null : <ProblemView error={error} />}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Status</th>
              <th scope="col">Owner</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.keyId} data-key-id={key.keyId}>
                <td>{key.name}</td>
                <td>{key.scope}</td>
                <td>
                  <StatusBadge status={key.status} />
                </td>
                <td>{key.ownerUsername}</td>
                <td>{formatTime(key.createdAt)}</td>
                <td>{formatTime(key.expiresAt)}</td>
                <td>
                  {key.status === 'active' ? (
                    <button
                      type="button"
                      class="danger"
                      onClick={() => void revoke(key)}
                      aria-label={`Revoke ${key.name}`}
                    >
                      Revoke
                    </button>
                  ) : (
                    `revoked ${formatTime(key.revokedAt)}`
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
