/**
 * A model's aliases and the control that sets one: a single approved version, or a traffic split
 * whose weights (percent, summing to 100) are set with a slider or a number per version and drawn
 * as one stacked bar, so the split is seen before it is saved.
 */
import { useState } from 'preact/hooks';
import { type Schemas, unwrap } from '../api.ts';
import { formatTime } from '../components/format.ts';
import { ProblemView } from '../components/problem-view.tsx';
import { useConsole } from '../context.ts';

type Route = { version: number; weight: number };

/** By version number, so a version keeps its colour in every bar. */
const SPLIT_COLOURS = ['#0b57d0', '#b3261e', '#146c2e', '#8a5300', '#6a1b9a'];

/** The split as one bar of segments, each labelled with its version and share. */
export function WeightsBar({ routes, label }: { readonly routes: readonly Route[]; readonly label: string }) {
  let offset = 0;
  const description = routes.map((route) => `version ${route.version}: ${route.weight}%`).join(', ');
  return (
    <svg
      class="weights"
      viewBox="0 0 100 10"
      preserveAspectRatio="none"
      role="img"
      aria-label={`${label}: ${description}`}
      data-testid="weights-bar"
    >
      {routes.map((route) => {
        const x = offset;
        offset += route.weight;
        return (
          <rect
            key={route.version}
            x={x}
            y={0}
            width={route.weight}
            height={10}
            fill={SPLIT_COLOURS[route.version % SPLIT_COLOURS.length]}
            data-version={route.version}
          >
            <title>{`version ${route.version}: ${route.weight}%`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

function WeightsLegend({ routes }: { readonly routes: readonly Route[] }) {
  return (
    <ul class="weights-legend">
      {routes.map((route) => (
        <li key={route.version}>
          <span class="swatch" data-colour={route.version % SPLIT_COLOURS.length} aria-hidden="true" />
          version {route.version}: {route.weight}%
        </li>
      ))}
    </ul>
  );
}

export function AliasEditor({
  model,
  versions,
  onChange,
}: {
  readonly model: Schemas['Model'];
  readonly versions: readonly Schemas['ModelVersion'][];
  readonly onChange: () => void;
}) {
  const { api } = useConsole();
  const approved = versions
    .filter((v) => v.status === 'approved')
    .map((v) => v.version)
    .sort((a, b) => b - a);
  const aliases = Object.entries(model.aliases);
  const [error, setError] = useState<unknown>();

  const remove = async (alias: string) => {
    setError(undefined);
    try {
      unwrap(
        await api.DELETE('/v1/models/{name}/aliases/{alias}', {
          params: { path: { name: model.name, alias } },
        }),
      );
      onChange();
    } catch (deleteError) {
      setError(deleteError);
    }
  };

  return (
    <>
      {aliases.length === 0 ? <p>No aliases yet.</p> : null}
      {aliases.map(([alias, value]) => (
        <div class="panel" key={alias}>
          <h3>{alias}</h3>
          <WeightsBar routes={value.routes} label={`Traffic of ${alias}`} />
          <WeightsLegend routes={value.routes} />
          <p class="hint">
            Set {formatTime(value.updatedAt)} by {value.updatedBy}
          </p>
          <button type="button" class="secondary" onClick={() => void remove(alias)}>
            Remove {alias}
          </button>
        </div>
      ))}
      {error === undefined ? null : <ProblemView error={error} />}
      {approved.length === 0 ? (
        <p>An alias points at approved versions; none is approved yet.</p>
      ) : (
        <SetAliasForm name={model.name} approved={approved} onDone={onChange} />
      )}
    </>
  );
}

function SetAliasForm({
  name,
  approved,
  onDone,
}: {
  readonly name: string;
  readonly approved: readonly number[];
  readonly onDone: () => void;
}) {
  const { api } = useConsole();
  const [alias, setAlias] = useState('production');
  const [routes, setRoutes] = useState<Route[]>([{ version: approved[0] ?? 1, weight: 100 }]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const total = routes.reduce((sum, route) => sum + route.weight, 0);
  const unused = approved.filter((v) => !routes.some((route) => route.version === v));

  const update = (index: number, change: Partial<Route>) =>
    setRoutes(routes.map((route, i) => (i === index ? { ...route, ...change } : route)));
  const setWeight = (index: number, weight: number) => {
    const clamped = Math.max(0, Math.min(100, Math.round(weight)));
    if (routes.length === 2) {
      // Two versions: moving one weight moves the other, so the split always sums to 100.
      setRoutes(routes.map((route, i) => ({ ...route, weight: i === index ? clamped : 100 - clamped })));
    } else update(index, { weight: clamped });
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = routes.length === 1 ? { version: routes[0]?.version ?? 0 } : { split: routes };
      unwrap(
        await api.PUT('/v1/models/{name}/aliases/{alias}', {
          params: { path: { name, alias: alias.trim() } },
          body,
        }),
      );
      onDone();
    } catch (saveError) {
      setError(saveError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel" aria-label="Set an alias" onSubmit={save}>
      <h3>Set an alias</h3>
      <label for="alias-name">Alias</label>
      <input
        id="alias-name"
        value={alias}
        onInput={(event) => setAlias(event.currentTarget.value)}
        required
      />
      {routes.map((route, index) => (
        <fieldset key={index}>
          <legend>Route {index + 1}</legend>
          <label for={`route-version-${index}`}>Version</label>
          <select
            id={`route-version-${index}`}
            value={String(route.version)}
            onChange={(event) => update(index, { version: Number(event.currentTarget.value) })}
          >
            {[route.version, ...unused]
              .sort((a, b) => b - a)
              .map((v) => (
                <option key={v} value={String(v)}>
                  {v}
                </option>
              ))}
          </select>
          {routes.length > 1 ? (
            <>
              <label for={`route-weight-${index}`}>Weight of version {route.version} (%)</label>
              <div class="actions">
                <input
                  type="range"
                  min={0}
                  max={100}
                  step={1}
                  value={route.weight}
                  aria-label={`Weight of version ${route.version}, slider`}
                  onInput={(event) => setWeight(index, Number(event.currentTarget.value))}
                />
                <input
                  id={`route-weight-${index}`}
                  class="weight-number"
                  type="number"
                  min={0}
                  max={100}
                  value={route.weight}
                  onInput={(event) => setWeight(index, Number(event.currentTarget.value))}
                />
                <button
                  type="button"
                  class="secondary"
                  onClick={() => setRoutes(routes.filter((_, i) => i !== index))}
                >
                  Remove route {index + 1}
                </button>
              </div>
            </>
          ) : null}
        </fieldset>
      ))}
      {routes.length > 1 ? (
        <>
          <WeightsBar routes={routes} label="Split to save" />
          <WeightsLegend routes={routes} />
          <p aria-live="polite" class={total === 100 ? 'hint' : 'problem-title'}>
            Weights sum to {total}%{total === 100 ? '' : ': they must sum to 100%'}.
          </p>
        </>
      ) : null}
      <div class="actions">
        {unused.length > 0 ? (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              const next = unused[0] ?? 0;
              setRoutes(
                routes.length === 1
                  ? [
                      { ...(routes[0] as Route), weight: 90 },
                      { version: next, weight: 10 },
                    ]
                  : [...routes, { version: next, weight: 0 }],
              );
            }}
          >
            Split with another version
          </button>
        ) : null}
        <button type="submit" disabled={busy || (routes.length > 1 && total !== 100)}>
          Save {alias || 'alias'}
        </button>
      </div>
      {error === undefined ? null : <ProblemView error={error} />}
    </form>
  );
}
