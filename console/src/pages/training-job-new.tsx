/**
 * Start a training job: a form built from the API's own request schema (the OpenAPI document's
 * `CreateTrainingJobRequest`, fetched at run time, so a new option shows up without a console
 * change), with the caller's datasets and the chosen dataset's columns offered as suggestions.
 * Submitted with an Idempotency-Key (a double click starts one job), then on to the job's page.
 */
import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { type Schemas, unwrap } from '../api.ts';
import { ProblemView } from '../components/problem-view.tsx';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { Link, navigate } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import type { PageProps } from './registry.ts';
import {
  type FieldError,
  type FormField,
  type FormValues,
  formFields,
  initialValues,
  type JsonSchema,
  requestBody,
} from './training/schema-form.ts';

const REQUEST_SCHEMA = 'CreateTrainingJobRequest';

export default function NewTrainingJobPage({ query }: PageProps) {
  const { api } = useConsole();
  const schema = useResource(async () => {
    const document = unwrap(await api.GET('/v1/openapi.json')) as {
      components?: { schemas?: Record<string, JsonSchema> };
    };
    const found = document.components?.schemas?.[REQUEST_SCHEMA];
    if (found === undefined) throw new Error(`The API's OpenAPI document has no ${REQUEST_SCHEMA} schema.`);
    return found;
  }, [api]);
  return (
    <section>
      <h1>Start a training job</h1>
      <p class="hint">
        The fields below come from the API's request schema; empty optional fields take the API's defaults.
      </p>
      <ResourceView resource={schema} label="the request schema">
        {(loaded) => <JobForm schema={loaded} preset={query} />}
      </ResourceView>
    </section>
  );
}

function JobForm({ schema, preset }: { readonly schema: JsonSchema; readonly preset: URLSearchParams }) {
  const { api, caller } = useConsole();
  const fields = useMemo(
    () => formFields(schema).filter((field) => caller.role === 'admin' || field.name !== 'autoApprove'),
    [schema, caller.role],
  );
  const [values, setValues] = useState<FormValues>(() => {
    const start: Record<string, string | readonly string[]> = { ...initialValues(schema, fields) };
    for (const name of ['dataset', 'target', 'modelName']) {
      const value = preset.get(name);
      if (value) start[name] = value;
    }
    return start;
  });
  const [errors, setErrors] = useState<readonly FieldError[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // One key per form: a retried or doubled submit replays the first answer instead of a second job.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const datasets = useResource(
    async () => unwrap(await api.GET('/v1/datasets', { params: { query: { limit: 100 } } })).items,
    [api],
  );
  const dataset = typeof values.dataset === 'string' ? values.dataset.trim() : '';
  // Only a dataset of the list is looked up: no request per keystroke for a name half typed.
  const known = datasets.state === 'ready' && datasets.data.some((d) => d.name === dataset);
  const columns = useResource(async () => {
    if (!known) return [];
    const found = unwrap(await api.GET('/v1/datasets/{name}', { params: { path: { name: dataset } } }));
    return (found.latest?.profile?.columns ?? []).map((column) => column.name);
  }, [api, dataset, known]);

  const set = (path: string, value: string | readonly string[]) =>
    setValues((old) => ({ ...old, [path]: value }));
  const submit = async (event: Event) => {
    event.preventDefault();
    const built = requestBody(fields, values);
    setErrors(built.errors);
    setFailure(undefined);
    if (built.errors.length > 0) {
      document.getElementById(fieldId(built.errors[0]?.path ?? ''))?.focus();
      return;
    }
    setBusy(true);
    try {
      const job = unwrap(
        await api.POST('/v1/training-jobs', {
          body: built.body as Schemas['CreateTrainingJobRequest'],
          params: { header: { 'Idempotency-Key': idempotencyKey } },
        }),
      );
      navigate(pathTo('training-jobs/:jobId', { jobId: job.jobId }));
    } catch (error) {
      setFailure(error);
      setBusy(false);
    }
  };

  const suggestions: Readonly<Record<string, readonly string[]>> = {
    dataset: datasets.state === 'ready' ? datasets.data.map((d) => d.name) : [],
    target: columns.state === 'ready' ? columns.data : [],
  };
  return (
    <form
      class="schema-form"
      onSubmit={submit}
      noValidate
      aria-describedby={errors.length > 0 ? 'form-errors' : undefined}
    >
      {errors.length > 0 ? (
        <div id="form-errors" class="problem" role="alert">
          <p class="problem-title">
            {errors.length === 1 ? 'One field needs' : `${errors.length} fields need`} a change before the job
            can start.
          </p>
        </div>
      ) : null}
      {fields.map((field) => (
        <Field
          key={field.path}
          field={field}
          values={values}
          errors={errors}
          onChange={set}
          suggestions={suggestions}
        />
      ))}
      {failure === undefined ? null : <ProblemView error={failure} />}
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Starting…' : 'Start training'}
        </button>
        <Link to="training-jobs" class="button secondary">
          Cancel
        </Link>
      </div>
    </form>
  );
}

const fieldId = (path: string) => `field-${path.replace(/\./g, '-')}`;

function Field({
  field,
  values,
  errors,
  onChange,
  suggestions,
}: {
  readonly field: FormField;
  readonly values: FormValues;
  readonly errors: readonly FieldError[];
  readonly onChange: (path: string, value: string | readonly string[]) => void;
  readonly suggestions: Readonly<Record<string, readonly string[]>>;
}) {
  if (field.kind === 'group') {
    return (
      <fieldset>
        <legend>
          {field.label}
          {field.required ? null : <span class="optional"> (optional)</span>}
        </legend>
        {field.description ? <p class="hint">{field.description}</p> : null}
        {field.fields.map((child) => (
          <Field
            key={child.path}
            field={child}
            values={values}
            errors={errors}
            onChange={onChange}
            suggestions={suggestions}
          />
        ))}
      </fieldset>
    );
  }
  const id = fieldId(field.path);
  const error = errors.find((e) => e.path === field.path)?.message;
  const describedBy = [field.description ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: field.path,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy || undefined,
    required: field.required,
  };
  const raw = values[field.path];
  const text = typeof raw === 'string' ? raw : '';
  // A required field's label gets its asterisk from the stylesheet (label.required); the input says
  // `required` to assistive technology.
  const label = field.label;
  const help = (
    <>
      {field.description ? (
        <p id={`${id}-hint`} class="hint">
          {field.description}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} class="field-error">
          {error}
        </p>
      ) : null}
    </>
  );

  if (field.kind === 'choices') {
    const chosen = Array.isArray(raw) ? raw : [];
    return (
      <fieldset class="field" aria-describedby={describedBy || undefined}>
        <legend class={field.required ? 'required' : undefined}>{label}</legend>
        {field.options.map((option) => (
          <label key={option} class="check">
            <input
              type="checkbox"
              name={field.path}
              value={option}
              checked={chosen.includes(option)}
              onChange={(event) =>
                onChange(
                  field.path,
                  event.currentTarget.checked ? [...chosen, option] : chosen.filter((o) => o !== option),
                )
              }
            />{' '}
            {option}
          </label>
        ))}
        {help}
      </fieldset>
    );
  }
  let input: JSX.Element;
  if (field.kind === 'choice') {
    input = (
      <select {...common} value={text} onChange={(event) => onChange(field.path, event.currentTarget.value)}>
        {field.required ? null : <option value="">(default)</option>}
        {field.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'json') {
    input = (
      <textarea
        {...common}
        rows={4}
        spellcheck={false}
        value={text}
        onInput={(event) => onChange(field.path, event.currentTarget.value)}
      />
    );
  } else if (field.kind === 'number') {
    input = (
      <input
        {...common}
        type="number"
        inputMode={field.integer ? 'numeric' : 'decimal'}
        step={field.integer ? 1 : 'any'}
        min={field.min}
        max={field.max}
        value={text}
        onInput={(event) => onChange(field.path, event.currentTarget.value)}
      />
    );
  } else {
    const options = suggestions[field.path] ?? [];
    input = (
      <>
        <input
          {...common}
          type="text"
          autoComplete="off"
          maxLength={field.maxLength}
          list={options.length > 0 ? `${id}-options` : undefined}
          value={text}
          onInput={(event) => onChange(field.path, event.currentTarget.value)}
        />
        {options.length > 0 ? (
          <datalist id={`${id}-options`}>
            {options.map((option) => (
              <option key={option} value={option} />
            ))}
          </datalist>
        ) : null}
      </>
    );
  }
  return (
    <div class="field">
      <label for={id} class={field.required ? 'required' : undefined}>
        {label}
      </label>
      {input}
      {help}
    </div>
  );
}
