/** A dataset: its versions with status, size and shape, each linking to its profile. */
import { unwrap } from '../api.ts';
import { StatusBadge } from '../components/badge.tsx';
import { formatBytes, formatNumber, formatTime } from '../components/format.ts';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { Link } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import type { PageProps } from './registry.ts';

export default function DatasetPage({ params }: PageProps) {
  const { api } = useConsole();
  const name = params.name ?? '';
  const versions = useResource(
    async () =>
      unwrap(
        await api.GET('/v1/datasets/{name}/versions', { params: { path: { name }, query: { limit: 100 } } }),
      ),
    [api, name],
  );
  return (
    <section>
      <p>
        <Link to="datasets">Datasets</Link> /
      </p>
      <h1>{name}</h1>
      <h2>Versions</h2>
      <ResourceView resource={versions} label="versions">
        {(page) => (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Status</th>
                  <th scope="col">Format</th>
                  <th scope="col" class="number">
                    Rows
                  </th>
                  <th scope="col" class="number">
                    Columns
                  </th>
                  <th scope="col" class="number">
                    Size
                  </th>
                  <th scope="col">Quality</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {[...page.items]
                  .sort((a, b) => b.version - a.version)
                  .map((version) => (
                    <tr key={version.version}>
                      <td>
                        <Link
                          to={pathTo('datasets/:name/versions/:version', {
                            name,
                            version: String(version.version),
                          })}
                        >
                          Version {version.version}
                        </Link>
                      </td>
                      <td>
                        <StatusBadge status={version.status} />
                      </td>
                      <td>{version.format}</td>
                      <td class="number">{formatNumber(version.rowCount)}</td>
                      <td class="number">{formatNumber(version.columnCount)}</td>
                      <td class="number">{formatBytes(version.sizeBytes)}</td>
                      <td>
                        {version.quality === undefined
                          ? '—'
                          : `${version.quality.blocking.length} blocking, ${version.quality.warnings.length} warnings`}
                      </td>
                      <td>{formatTime(version.createdAt)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
      </ResourceView>
    </section>
  );
}
