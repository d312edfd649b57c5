/**
 * Predict with one version from a form built from its signature (src/predict-form.ts): one field
 * per named input, or per column of a single tensor input. Shows the prediction and, for a
 * classifier, each class's probability as a bar.
 */
import { useState } from 'preact/hooks';
import { type Schemas, unwrap } from '../api.ts';
import { Chart } from '../charts/chart.tsx';
import { topValuesPlot } from '../charts/plots.ts';
import { formatNumber } from '../components/format.ts';
import { ProblemView } from '../components/problem-view.tsx';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { instanceFrom, type PredictForm, predictFormFor } from '../predict-form.ts';
import { pathTo } from '../route-match.ts';
import { Link } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import type { PageProps } from './registry.ts';

export default function PredictPage({ params }: PageProps) {
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
        <Link to="models">Models</Link> / <Link to={pathTo('models/:name', { name })}>{name}</Link> /{' '}
        <Link to={pathTo('models/:name/versions/:version', { name, version: String(version) })}>
          version {version}
        </Link>{' '}
        /
      </p>
      <h1>
        Predict with {name} version {params.version}
      </h1>
      <ResourceView resource={resource} label="the signature">
        {(data) => <PredictFormView version={data} />}
      </ResourceView>
    </section>
  );
}

function PredictFormView({ version }: { readonly version: Schemas['ModelVersion'] }) {
  const { api } = useConsole();
  const form: PredictForm = predictFormFor(version.signature);
  const [values, setValues] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Schemas['Prediction']>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (form.layout === 'unsupported') return <p>{form.reason}</p>;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const instance = instanceFrom(form, values);
      setResult(
        unwrap(
          await api.POST('/v1/models/{name}/predict', {
            params: { path: { name: version.modelName }, query: { version: version.version } },
            body: { instances: [instance] },
          }),
        ),
      );
    } catch (predictError) {
      setResult(undefined);
      setError(predictError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form onSubmit={submit} aria-label="Prediction input" class="predict-form">
        <p class="hint">An empty field is sent as a missing value.</p>
        <div class="grid">
          {form.fields.map((field, i) => (
            <div key={field.key}>
              <label for={`field-${i}`}>
                {field.label} <span class="hint">({field.kind})</span>
              </label>
              {field.kind === 'boolean' ? (
                <select
                  id={`field-${i}`}
                  value={values[field.key] ?? ''}
                  onChange={(e) => setValues({ ...values, [field.key]: e.currentTarget.value })}
                >
                  <option value="">missing</option>
                  <option value="true">true</option>
                  <option value="false">false</option>
                </select>
              ) : (
                <input
                  id={`field-${i}`}
                  name={field.key}
                  inputMode={field.kind === 'text' ? 'text' : 'decimal'}
                  value={values[field.key] ?? ''}
                  onInput={(e) => setValues({ ...values, [field.key]: e.currentTarget.value })}
                />
              )}
            </div>
          ))}
        </div>
        <div class="actions">
          <button type="submit" disabled={busy}>
            Predict
          </button>
        </div>
      </form>
      {error === undefined ? null : <ProblemView error={error} />}
      {result === undefined ? null : <PredictionView result={result} />}
    </>
  );
}

function PredictionView({ result }: { readonly result: Schemas['Prediction'] }) {
  const probabilities = result.probabilities?.[0];
  const labels = result.classLabels ?? probabilities?.map((_, i) => i) ?? [];
  const bars = probabilities?.map((p, i) => ({
    value: String(labels[i] ?? i),
    count: Math.round(p * 1000) / 1000,
  }));
  return (
    <div class="panel" aria-live="polite">
      <h2>Prediction</h2>
      <p class="prediction" data-testid="prediction">
        {formatNumber(result.predictions[0])}
      </p>
      <p class="hint">
        {result.model} version {result.version}
      </p>
      {bars === undefined ? null : (
        <Chart
          label={`Class probabilities: ${bars.map((b) => `${b.value} ${b.count}`).join(', ')}`}
          caption="Probability of each class"
          inputs={[bars.map((b) => `${b.value}:${b.count}`).join()]}
          render={() => topValuesPlot(bars, { width: 480, label: 'probability' })}
        />
      )}
    </div>
  );
}
