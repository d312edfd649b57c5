/**
 * Version use cases. Registering a version: check the file (size; an XGBoost file is converted to
 * ONNX first, see uploaded-model.ts; loads in the runtime), store it under a fresh key (and an
 * XGBoost upload's original file beside it), take the next number from the model's atomic counter, write the immutable
 * version record. If the record cannot be written the stored file is deleted again, so a failed
 * registration leaves neither a record nor an orphan object.
 */
import { randomUUID } from 'node:crypto';
import { assertAdmin, requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.ts';
import type { Page, PageRequest } from '../pagination.ts';
import {
  assertTransition,
  type Lineage,
  type ModelRecord,
  sha256Hex,
  type VersionRecord,
  type VersionStatus,
} from './model-records.ts';
import { notFound } from './models.ts';
import type {
  ArtifactStore,
  ModelRepository,
  ModelValidator,
  UploadRepository,
  VersionRepository,
} from './ports.ts';
import { type ModelFileDeclaration, servableModel } from './uploaded-model.ts';

export interface VersionDeps {
  readonly models: ModelRepository;
  readonly versions: VersionRepository;
  readonly uploads: UploadRepository;
  readonly artifacts: ArtifactStore;
  readonly validator: ModelValidator;
  readonly maxModelBytes: number;
  readonly now: () => Date;
}

export interface VersionInput {
  readonly metrics?: Readonly<Record<string, unknown>>;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly lineage?: Lineage;
  /** The file's format (ONNX unless it says XGBoost) and, for XGBoost, its feature names. */
  readonly file?: ModelFileDeclaration;
}

/** What registering a file needs (uploads are only for the presigned path). */
type RegisterDeps = Pick<
  VersionDeps,
  'models' | 'versions' | 'artifacts' | 'validator' | 'maxModelBytes' | 'now'
>;

export const UPLOAD_URL_SECONDS = 15 * 60;
const UPLOAD_RECORD_SECONDS = 24 * 3600;

export function versionNotFound(name: string, version: number): string {
  return `Model ${name} has no version ${version}.`;
}

function checkSize(size: number, maxModelBytes: number): void {
  if (size === 0) throw new UnprocessableError('The model file is empty.', { field: 'model' });
  if (size > maxModelBytes) {
    throw new UnprocessableError(`The model file is ${size} bytes; the limit is ${maxModelBytes}.`, {
      field: 'model',
      limitBytes: maxModelBytes,
    });
  }
}

async function ownModel(
  principal: Principal,
  name: string,
  deps: Pick<VersionDeps, 'models'>,
): Promise<ModelRecord> {
  return requireAccess(principal, await deps.models.get(name), 'write', notFound(name));
}

async function register(
  principal: Principal,
  model: ModelRecord,
  bytes: Uint8Array,
  input: VersionInput,
  deps: RegisterDeps,
): Promise<VersionRecord> {
  checkSize(bytes.byteLength, deps.maxModelBytes);
  // Convert if XGBoost, then the usual ONNX validation.
  const { onnx, source } = servableModel(bytes, input.file ?? {}, model.name);
  const validated = await deps.validator.validate(onnx);
  const fileId = randomUUID();
  const artifactKey = `models/${model.name}/${fileId}.onnx`;
  await deps.artifacts.put(artifactKey, onnx);
  const sourceFile = source && {
    ...source,
    key: `models/${model.name}/${fileId}.xgboost`,
    sizeBytes: bytes.byteLength,
    sha256: sha256Hex(bytes),
  };
  try {
    if (sourceFile) await deps.artifacts.put(sourceFile.key, bytes);
    const version = await deps.models.nextVersionNumber(model.name);
    const at = deps.now().toISOString();
    const record: VersionRecord = {
      modelName: model.name,
      version,
      status: 'pending',
      artifactKey,
      sizeBytes: onnx.byteLength,
      sha256: sha256Hex(onnx),
      framework: sourceFile ? sourceFile.format : validated.framework,
      ...(validated.producer === undefined ? {} : { producer: validated.producer }),
      ...(validated.opsets === undefined ? {} : { opsets: validated.opsets }),
      signature: validated.signature,
      createdBy: principal.username,
      createdAt: at,
      metrics: input.metrics ?? {},
      metadata: input.metadata ?? {},
      ...(input.lineage === undefined ? {} : { lineage: input.lineage }),
      ...(sourceFile === undefined ? {} : { sourceFile }),
      auditTrail: [{ at, by: principal.username, from: null, to: 'pending', comment: 'registered' }],
    };
    await deps.versions.create(record);
    return record;
  } catch (error) {
    await deps.artifacts.delete(artifactKey);
    if (sourceFile) await deps.artifacts.delete(sourceFile.key);
    throw error;
  }
}

/** Direct upload: the file came in the request body. */
export async function registerVersion(
  principal: Principal,
  name: string,
  bytes: Uint8Array,
  input: VersionInput,
  deps: RegisterDeps,
): Promise<VersionRecord> {
  return register(principal, await ownModel(principal, name, deps), bytes, input, deps);
}

/** Large files: a presigned URL to PUT the file to, then `commitUpload`. */
export async function startUpload(
  principal: Principal,
  name: string,
  deps: Pick<VersionDeps, 'models' | 'uploads' | 'artifacts' | 'maxModelBytes' | 'now'>,
): Promise<{ uploadId: string; uploadUrl: string; method: 'PUT'; expiresAt: string; maxBytes: number }> {
  await ownModel(principal, name, deps);
  const uploadId = randomUUID();
  const stagingKey = `uploads/${name}/${uploadId}.onnx`;
  const now = deps.now();
  await deps.uploads.create({
    uploadId,
    modelName: name,
    ownerId: principal.userId,
    stagingKey,
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + UPLOAD_RECORD_SECONDS,
  });
  return {
    uploadId,
    uploadUrl: await deps.artifacts.presignedUploadUrl(stagingKey, UPLOAD_URL_SECONDS),
    method: 'PUT',
    expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    maxBytes: deps.maxModelBytes,
  };
}

/**
 * Turns an uploaded file into a version. The staging object and the upload record are removed
 * whatever the outcome, except when nothing was uploaded yet (the client may still PUT and retry).
 */
export async function commitUpload(
  principal: Principal,
  name: string,
  uploadId: string,
  input: VersionInput,
  deps: VersionDeps,
): Promise<VersionRecord> {
  const model = await ownModel(principal, name, deps);
  const upload = await deps.uploads.get(uploadId);
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  if (upload === undefined || upload.modelName !== name || upload.expiresAt < nowSeconds) {
    throw new NotFoundError(`No pending upload ${uploadId} for model ${name}.`);
  }
  if (upload.ownerId !== principal.userId && principal.role !== 'admin') {
    throw new NotFoundError(`No pending upload ${uploadId} for model ${name}.`);
  }
  const size = await deps.artifacts.size(upload.stagingKey);
  if (size === undefined) {
    throw new ConflictError('Nothing has been uploaded yet: PUT the file to the upload URL, then commit.');
  }
  try {
    checkSize(size, deps.maxModelBytes);
    const bytes = await deps.artifacts.get(upload.stagingKey);
    if (bytes === undefined) throw new ConflictError('The uploaded file disappeared; upload it again.');
    return await register(principal, model, bytes, input, deps);
  } finally {
    await deps.artifacts.delete(upload.stagingKey);
    await deps.uploads.delete(uploadId);
  }
}

export async function listVersions(
  principal: Principal,
  name: string,
  page: PageRequest,
  deps: Pick<VersionDeps, 'models' | 'versions'>,
): Promise<Page<VersionRecord>> {
  requireAccess(principal, await deps.models.get(name), 'read', notFound(name));
  return deps.versions.list(name, page);
}

export async function getVersion(
  principal: Principal,
  name: string,
  version: number,
  deps: Pick<VersionDeps, 'models' | 'versions'>,
): Promise<VersionRecord> {
  requireAccess(principal, await deps.models.get(name), 'read', notFound(name));
  const record = await deps.versions.get(name, version);
  if (record === undefined) throw new NotFoundError(versionNotFound(name, version));
  return record;
}

/** Admins approve or reject; a version an alias points at cannot be rejected. */
export async function reviewVersion(
  principal: Principal,
  name: string,
  version: number,
  decision: { to: Exclude<VersionStatus, 'pending'>; comment?: string },
  deps: Pick<VersionDeps, 'models' | 'versions' | 'now'>,
): Promise<VersionRecord> {
  assertAdmin(principal, `${decision.to === 'approved' ? 'approve' : 'reject'} model versions`);
  const model = await deps.models.get(name);
  if (model === undefined) throw new NotFoundError(notFound(name));
  const current = await deps.versions.get(name, version);
  if (current === undefined) throw new NotFoundError(versionNotFound(name, version));
  assertTransition(current.status, decision.to);
  if (decision.to === 'rejected') {
    const pointing = Object.entries(model.aliases)
      .filter(([, alias]) => alias.routes.some((r) => r.version === version))
      .map(([alias]) => alias);
    if (pointing.length > 0) {
      throw new ConflictError(`Aliases ${pointing.join(', ')} point at version ${version}; move them first.`);
    }
  }
  return deps.versions.changeStatus(name, version, current.status, {
    at: deps.now().toISOString(),
    by: principal.username,
    from: current.status,
    to: decision.to,
    ...(decision.comment === undefined ? {} : { comment: decision.comment }),
  });
}
