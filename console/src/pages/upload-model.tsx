/**
 * Upload a model: an ONNX (or XGBoost) file becomes a new version of a model, created first when
 * the name is new. The file goes in the request body, as the SDK's direct upload does; larger files
 * need the SDK or CLI, which upload through a presigned URL.
 */
import { useState } from 'preact/hooks';
import { type Schemas, unwrap } from '../api.ts';
import { ProblemView } from '../components/problem-view.tsx';
import { useConsole } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { navigate } from '../router.tsx';
import type { PageProps } from './registry.ts';

/** As clients/sdk/src/models.ts DIRECT_UPLOAD_MAX_BYTES (that module reads files through Node). */
const DIRECT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

type Task = Schemas['CreateModelRequest']['task'];

export default function UploadModelPage({ params }: PageProps) {
  const { api } = useConsole();
  const [name, setName] = useState(params.name ?? '');
  const [task, setTask] = useState<NonNullable<Task>>('classification');
  const [tags, setTags] = useState('');
  const [description, setDescription] = useState('');
  const [format, setFormat] = useState<'onnx' | 'xgboost'>('onnx');
  const [featureNames, setFeatureNames] = useState('');
  const [file, setFile] = useState<File>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    if (file === undefined) return;
    if (file.size > DIRECT_UPLOAD_MAX_BYTES) {
      setError(
        new Error(
          `${file.name} is over 5 MiB: upload it with the mlp CLI or the SDK, which send large files through a presigned URL.`,
        ),
      );
      return;
    }
    try {
      const modelName = name.trim();
      setStatus('Checking the model…');
      const existing = await api.GET('/v1/models/{name}', { params: { path: { name: modelName } } });
      if (existing.response.status === 404) {
        setStatus('Creating the model…');
        unwrap(
          await api.POST('/v1/models', {
            body: {
              name: modelName,
              task,
              tags: tags
                .split(',')
                .map((tag) => tag.trim())
                .filter((tag) => tag !== ''),
              ...(description.trim() ? { description: description.trim() } : {}),
            },
          }),
        );
      } else {
        unwrap(existing);
      }
      setStatus(`Uploading ${file.name}…`);
      const bytes = new Uint8Array(await file.arrayBuffer());
      const names = featureNames
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '');
      const version = unwrap(
        await api.POST('/v1/models/{name}/versions', {
          params: {
            path: { name: modelName },
            query: {
              format,
              ...(format === 'xgboost' && names.length > 0 ? { featureNames: names.join(',') } : {}),
            },
          },
          body: bytes as never,
          bodySerializer: () => bytes,
          headers: { 'content-type': 'application/octet-stream' },
        }),
      );
      navigate(
        pathTo('models/:name/versions/:version', { name: modelName, version: String(version.version) }),
      );
    } catch (uploadError) {
      setStatus(undefined);
      setError(uploadError);
    }
  };

  return (
    <section>
      <h1>Upload a model</h1>
      <form onSubmit={submit} aria-label="Upload a model">
        <label for="upload-name">
          Model name <span class="hint">(a new name creates the model)</span>
        </label>
        <input
          id="upload-name"
          value={name}
          onInput={(event) => setName(event.currentTarget.value)}
          required
          pattern="[A-Za-z0-9][A-Za-z0-9._-]*"
        />
        <fieldset>
          <legend>For a new model</legend>
          <label for="upload-task">Task</label>
          <select
            id="upload-task"
            value={task}
            onChange={(event) => setTask(event.currentTarget.value as NonNullable<Task>)}
          >
            <option value="classification">classification</option>
            <option value="regression">regression</option>
            <option value="other">other</option>
          </select>
          <label for="upload-tags">
            Tags <span class="hint">(comma-separated)</span>
          </label>
          <input id="upload-tags" value={tags} onInput={(event) => setTags(event.currentTarget.value)} />
          <label for="upload-description">Description</label>
          <input
            id="upload-description"
            value={description}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
        </fieldset>
        <label for="upload-format">File format</label>
        <select
          id="upload-format"
          value={format}
          onChange={(event) => setFormat(event.currentTarget.value as 'onnx' | 'xgboost')}
        >
          <option value="onnx">ONNX</option>
          <option value="xgboost">XGBoost (JSON, UBJSON or binary)</option>
        </select>
        {format === 'xgboost' ? (
          <>
            <label for="upload-features">
              Feature names <span class="hint">(comma-separated, in the model's column order)</span>
            </label>
            <input
              id="upload-features"
              value={featureNames}
              onInput={(event) => setFeatureNames(event.currentTarget.value)}
            />
          </>
        ) : null}
        <label for="upload-file">
          Model file <span class="hint">(up to 5 MiB here)</span>
        </label>
        <input
          id="upload-file"
          type="file"
          required
          onChange={(event) => setFile(event.currentTarget.files?.[0])}
        />
        <div class="actions">
          <button type="submit" disabled={status !== undefined && error === undefined}>
            Upload
          </button>
          {status === undefined ? null : (
            <span role="status" class="hint">
              {status}
            </span>
          )}
        </div>
      </form>
      {error === undefined ? null : <ProblemView error={error} />}
    </section>
  );
}
