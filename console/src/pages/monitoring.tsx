/**
 * Monitoring: the open alerts of the caller's models (admins: every model's), then the models, each
 * linking to its monitoring page (traffic, latency, arms, drift).
 */
import { unwrap } from '../api.ts';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { Link } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import { AlertTable } from './monitoring/alert-table.tsx';
import type { PageProps } from './registry.ts';

export default function MonitoringPage(_props: PageProps) {
  const { api } = useConsole();
  const alerts = useResource(
    async () =>
      unwrap(await api.GET('/v1/alerts', { params: { query: { state: 'open', limit: 100 } } })).items,
    [api],
  );
  const models = useResource(
    async () => unwrap(await api.GET('/v1/models', { params: { query: { limit: 100 } } })).items,
    [api],
  );
  return (
    <section>
      <h1>Monitoring</h1>
      <h2>Open alerts</h2>
      <ResourceView resource={alerts} label="alerts">
        {(items) => <AlertTable alerts={items} showModel />}
      </ResourceView>
      <h2>Models</h2>
      <ResourceView resource={models} label="models">
        {(items) =>
          items.length === 0 ? (
            <p>No models yet.</p>
          ) : (
            <ul class="link-list">
              {items.map((model) => (
                <li key={model.name}>
                  <Link to={pathTo('monitoring/:name', { name: model.name })}>{model.name}</Link>{' '}
                  <span class="hint">
                    {model.task}, {model.latestVersion} version{model.latestVersion === 1 ? '' : 's'}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </ResourceView>
    </section>
  );
}
