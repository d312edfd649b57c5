/**
 * Version use cases. Registering a version: check the file (size; an XGBoost file is converted to
 * ONNX first, see uploaded-model.ts; loads in the runtime; the owner's storage quota), store it under
 * a fresh key (and an XGBoost upload's original file beside it), then claim the next number by a
 * conditional put of the version record (highest number + 1, again on a collision). The record is
 * the commit point: before it nothing refers to the files and nothing serves them; after it the
 * version exists with its files. A failed registration deletes the files; a crashed one leaves files
 * no record refers to, which the orphan sweep (orphan-sweep.ts) removes. No number is spent before
 * the record is written, so failed registrations leave no gaps.
 */
import { randomUUID } from 'node:crypto';
import { assertAdmin, requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import {
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  QuotaExceededError,
  UnprocessableError,
} from '../errors.ts';
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
  /** Bytes of model files one owner may keep across their versions; unlimited when absent. */
  readonly modelStorageQuotaBytes?: number;
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
> &
  Partial<Pick<VersionDeps, 'modelStorageQuotaBytes'>>;

/** Collisions tolerated while claiming a number: each one means another registration won a number. */
const MAX_NUMBER_CLAIMS = 200;

export const UPLOAD_URL_SECONDS = 15 * 60;
/** Where version files live in the models bucket; presigned uploads stage under `uploads/`. */
export const ARTIFACT_PREFIX = 'models/';
export const UPLOAD_PREFIX = 'uploads/';
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
  await assertWithinStorageQuota(model.ownerId, onnx.byteLength + (source ? bytes.byteLength : 0), deps);
  const fileId = randomUUID();
  const artifactKey = `${ARTIFACT_PREFIX}${model.name}/${fileId}.onnx`;
  const stored = await deps.artifacts.put(artifactKey, onnx);
  const sourceFile = source && {
    ...source,
    key: `${ARTIFACT_PREFIX}${model.name}/${fileId}.xgboost`,
    sizeBytes: bytes.byteLength,
    sha256: sha256Hex(bytes),
  };
  try {
    if (sourceFile) await deps.artifacts.put(sourceFile.key, bytes);
    const at = deps.now().toISOString();
    const record = await claimNextVersion(model.name, deps, (version) => ({
      modelName: model.name,
      version,
      status: 'pending',
      artifactKey,
      ...(stored.versionId === undefined ? {} : { artifactVersionId: stored.versionId }),
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
    }));
    await deps.models.recordLatestVersion(model.name, record.version);
    return record;
  } catch (error) {
    await deps.artifacts.delete(artifactKey);
    if (sourceFile) await deps.artifacts.delete(sourceFile.key);
    throw error;
  }
}

/**
 * Writes the record under the highest number + 1, reading again after each collision. The version
 * table is the only source of numbers, so a number exists exactly when its version does.
 */
async function claimNextVersion(
  modelName: string,
  deps: Pick<RegisterDeps, 'versions'>,
  recordFor: (version: number) => VersionRecord,
): Promise<VersionRecord> {
  for (let attempt = 0; attempt < MAX_NUMBER_CLAIMS; attempt += 1) {
    const record = recordFor((await deps.versions.highestNumber(modelName)) + 1);
    try {
      await deps.versions.create(record);
      return record;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new ConflictError(`Too many versions of ${modelName} are being registered at once; try again.`);
}

/** Bytes of model files (ONNX and source files) stored for the owner's versions, from the version records. */
export async function storedModelBytes(
  ownerId: string,
  deps: Pick<VersionDeps, 'models' | 'versions'>,
): Promise<number> {
  let total = 0;
  let modelCursor: string | undefined;
  do {
    const models = await deps.models.list({ ownerId }, { limit: 100, cursor: modelCursor });
    for (const model of models.items) {
      let cursor: string | undefined;
      do {
        const versions = await deps.versions.list(model.name, { limit: 100, cursor });
        for (const version of versions.items)
          total += version.sizeBytes + (version.sourceFile?.sizeBytes ?? 0);
        cursor = versions.nextCursor;
      } while (cursor !== undefined);
    }
    modelCursor = models.nextCursor;
  } while (modelCursor !== undefined);
  return total;
}

/**
 * Checked before the file is stored. Concurrent registrations by one owner can each pass the check,
 * so the quota may be exceeded by what is in flight at once (bounded by the rate limit and the file
 * size limit); the next registration sees the total and is refused.
 */
async function assertWithinStorageQuota(
  ownerId: string,
  sizeBytes: number,
  deps: RegisterDeps,
): Promise<void> {
  const limit = deps.modelStorageQuotaBytes;
  if (limit === undefined) return;
  const used = await storedModelBytes(ownerId, deps);
  if (used + sizeBytes > limit) {
    throw new QuotaExceededError(
      `Storing this ${sizeBytes}-byte file would bring the owner's model files to ${used + sizeBytes} bytes; the quota is ${limit}. Delete models you no longer need.`,
      { quota: 'modelStorageBytes', limit, used },
    );
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

/**
 * Large files: a presigned URL to PUT the file to, then `commitUpload`. The caller declares the
 * file's size first: it is checked against the limit here and signed into the URL, so S3 itself
 * refuses a body of another length (the commit checks the stored size again, which is what holds
 * where signatures are not enforced, e.g. the local emulator).
 */
export async function startUpload(
  principal: Principal,
  name: string,
  file: { sizeBytes: number },
  deps: Pick<VersionDeps, 'models' | 'uploads' | 'artifacts' | 'maxModelBytes' | 'now'>,
): Promise<{
  uploadId: string;
  uploadUrl: string;
  method: 'PUT';
  expiresAt: string;
  maxBytes: number;
  sizeBytes: number;
}> {
  await ownModel(principal, name, deps);
  if (file.sizeBytes > deps.maxModelBytes) {
    throw new PayloadTooLargeError(
      `The model file is ${file.sizeBytes} bytes; the limit is ${deps.maxModelBytes}.`,
      { field: 'body.sizeBytes', limitBytes: deps.maxModelBytes },
    );
  }
  const uploadId = randomUUID();
  const stagingKey = `${UPLOAD_PREFIX}${name}/${uploadId}.onnx`;
  const now = deps.now();
  await deps.uploads.create({
    uploadId,
    modelName: name,
    ownerId: principal.userId,
    stagingKey,
    sizeBytes: file.sizeBytes,
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + UPLOAD_RECORD_SECONDS,
  });
  return {
    uploadId,
    uploadUrl: await deps.artifacts.presignedUploadUrl(stagingKey, UPLOAD_URL_SECONDS, file.sizeBytes),
    method: 'PUT',
    expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    maxBytes: deps.maxModelBytes,
    sizeBytes: file.sizeBytes,
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
    if (upload.sizeBytes !== undefined && size !== upload.sizeBytes) {
      throw new UnprocessableError(
        `The uploaded file is ${size} bytes, not the ${upload.sizeBytes} declared when the upload started.`,
        { field: 'model' },
      );
    }
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
