/** Models: the caller's models (admins: everyone's), filtered by tag, each linking to its page. */
import { useState } from 'preact/hooks';
import { type Schemas, unwrap } from '../api.ts';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { Link, navigate } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import type { PageProps } from './registry.ts';

export default function ModelsPage({ query }: PageProps) {
  const { api } = useConsole();
  const tag = query.get('tag') ?? '';
  const [draft, setDraft] = useState(tag);
  const models = useResource(
    async () =>
      unwrap(await api.GET('/v1/models', { params: { query: { limit: 100, ...(tag ? { tag } : {}) } } })),
    [api, tag],
  );
  const search = (event: Event) => {
    event.preventDefault();
    const value = draft.trim();
    navigate(value ? `models?tag=${encodeURIComponent(value)}` : 'models');
  };
  return (
    <section>
      <h1>Models</h1>
      <form class="actions" aria-label="Search models by tag" onSubmit={search}>
        <label for="model-tag" class="inline">
          Tag
        </label>
        <input
          id="model-tag"
          name="tag"
          value={draft}
          onInput={(event) => setDraft(event.currentTarget.value)}
          placeholder="e.g. iris"
        />
        <button type="submit">Search</button>
        {tag ? (
          <Link to="models" class="button secondary">
            Show all
          </Link>
        ) : null}
      </form>
      <ResourceView resource={models} label="models">
        {(page) => <ModelTable models={page.items} tag={tag} />}
      </ResourceView>
    </section>
  );
}

function ModelTable({ models, tag }: { readonly models: readonly Schemas['Model'][]; readonly tag: string }) {
  if (models.length === 0) return <p>{tag ? `No model carries the tag “${tag}”.` : 'No models yet.'}</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Models{tag ? ` tagged ${tag}` : ''}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Task</th>
            <th scope="col">Tags</th>
            <th scope="col" class="number">
              Versions
            </th>
            <th scope="col">Aliases</th>
            <th scope="col">Owner</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr key={model.name}>
              <td>
                <Link to={pathTo('models/:name', { name: model.name })}>{model.name}</Link>
              </td>
              <td>{model.task}</td>
              <td>
                <span class="tags">
                  {model.tags.map((value) => (
                    <span class="tag" key={value}>
                      {value}
                    </span>
                  ))}
                </span>
              </td>
              <td class="number">{model.latestVersion}</td>
              <td>{Object.keys(model.aliases).join(', ') || '—'}</td>
              <td>{model.ownerUsername}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
