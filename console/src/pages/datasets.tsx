/** Datasets: the caller's datasets (admins: everyone's), each linking to its versions. */
import { unwrap } from '../api.ts';
import { formatTime } from '../components/format.ts';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { Link } from '../router.tsx';
import { useResource } from '../use-resource.ts';

export default function DatasetsPage() {
  const { api } = useConsole();
  const datasets = useResource(
    async () => unwrap(await api.GET('/v1/datasets', { params: { query: { limit: 100 } } })),
    [api],
  );
  return (
    <section>
      <h1>Datasets</h1>
      <p class="hint">
        Upload datasets with the mlp CLI, the SDK or POST /v1/datasets; each upload is a new version.
      </p>
      <ResourceView resource={datasets} label="datasets">
        {(page) =>
          page.items.length === 0 ? (
            <p>No datasets yet.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Description</th>
                    <th scope="col" class="number">
                      Versions
                    </th>
                    <th scope="col" class="number">
                      Newest ready
                    </th>
                    <th scope="col">Owner</th>
                    <th scope="col">Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((dataset) => (
                    <tr key={dataset.name}>
                      <td>
                        <Link to={pathTo('datasets/:name', { name: dataset.name })}>{dataset.name}</Link>
                      </td>
                      <td>{dataset.description || '—'}</td>
                      <td class="number">{dataset.latestVersion}</td>
                      <td class="number">{dataset.latestReadyVersion ?? '—'}</td>
                      <td>{dataset.ownerUsername}</td>
                      <td>{formatTime(dataset.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </ResourceView>
    </section>
  );
}
