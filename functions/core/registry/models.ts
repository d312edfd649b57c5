/**
 * Model use cases: create, list, read, update, delete. A model belongs to its creator; admins
 * see all; team-visible models can be read by every user. Deleting needs every alias removed first.
 */
import { listingOwner, requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import { ConflictError } from '../errors.ts';
import { type AlertSettingsPatch, mergeAlertSettings } from '../monitoring/alert-rules.ts';
import { type DriftThresholds, mergeDriftThresholds } from '../monitoring/drift-thresholds.ts';
import type { Page, PageRequest } from '../pagination.ts';
import type { ModelRecord, ModelTask } from './model-records.ts';
import type { ArtifactStore, ModelChange, ModelRepository, VersionRepository } from './ports.ts';

export interface ModelDeps {
  readonly models: ModelRepository;
  readonly versions: VersionRepository;
  readonly artifacts: ArtifactStore;
  readonly now: () => Date;
}

export function notFound(name: string): string {
  return `No model named ${name}.`;
}

export async function createModel(
  principal: Principal,
  input: {
    name: string;
    description: string;
    task: ModelTask;
    tags: readonly string[];
    teamVisible: boolean;
  },
  deps: Pick<ModelDeps, 'models' | 'now'>,
): Promise<ModelRecord> {
  const at = deps.now().toISOString();
  const model: ModelRecord = {
    ...input,
    tags: [...new Set(input.tags)],
    ownerId: principal.userId,
    ownerUsername: principal.username,
    createdAt: at,
    updatedAt: at,
    latestVersion: 0,
    aliases: {},
  };
  await deps.models.create(model);
  return model;
}

/** Models the caller may read: their own (admins: everyone's or one owner's), or the team-visible ones. */
export async function listModels(
  principal: Principal,
  query: PageRequest & { ownerId?: string; tag?: string; visibility?: 'team' },
  deps: Pick<ModelDeps, 'models'>,
): Promise<Page<ModelRecord>> {
  const page = { limit: query.limit, cursor: query.cursor };
  const tag = query.tag === undefined ? {} : { tag: query.tag };
  if (query.visibility === 'team') return deps.models.list({ teamVisible: true, ...tag }, page);
  const ownerId = listingOwner(principal, query.ownerId);
  return deps.models.list(ownerId === undefined ? tag : { ownerId, ...tag }, page);
}

export async function getModel(
  principal: Principal,
  name: string,
  deps: Pick<ModelDeps, 'models'>,
): Promise<ModelRecord> {
  return requireAccess(principal, await deps.models.get(name), 'read', notFound(name));
}

export async function updateModel(
  principal: Principal,
  name: string,
  change: Omit<ModelChange, 'alerts' | 'driftThresholds'> & {
    readonly alerts?: AlertSettingsPatch;
    readonly driftThresholds?: Partial<DriftThresholds>;
  },
  deps: Pick<ModelDeps, 'models' | 'now'>,
): Promise<ModelRecord> {
  const model = requireAccess(principal, await deps.models.get(name), 'write', notFound(name));
  const { alerts: alertsPatch, driftThresholds: thresholdsPatch, ...rest } = change;
  const tags = rest.tags === undefined ? undefined : [...new Set(rest.tags)];
  // Rules merge over the stored ones, so an owner can tighten one threshold without restating all.
  const alerts = alertsPatch === undefined ? undefined : mergeAlertSettings(model.alerts, alertsPatch);
  const driftThresholds =
    thresholdsPatch === undefined ? undefined : mergeDriftThresholds(model.driftThresholds, thresholdsPatch);
  return deps.models.update(
    name,
    {
      ...rest,
      ...(tags ? { tags } : {}),
      ...(alerts ? { alerts } : {}),
      ...(driftThresholds ? { driftThresholds } : {}),
    },
    deps.now().toISOString(),
  );
}

/**
 * Deletes a model with all its versions and files. Refused while an alias points at a version.
 * Versions and files go first and the model row last, so a failure half-way can simply be retried.
 */
export async function deleteModel(principal: Principal, name: string, deps: ModelDeps): Promise<void> {
  const model = requireAccess(principal, await deps.models.get(name), 'write', notFound(name));
  const aliases = Object.keys(model.aliases);
  if (aliases.length > 0) {
    throw new ConflictError(`Remove the model's aliases first (${aliases.join(', ')}).`, { aliases });
  }
  let cursor: string | undefined;
  do {
    const page = await deps.versions.list(name, { limit: 100, cursor });
    for (const version of page.items) {
      await deps.artifacts.delete(version.artifactKey);
      if (version.sourceFile) await deps.artifacts.delete(version.sourceFile.key);
      await deps.versions.delete(name, version.version);
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  await deps.models.deleteIfNoAliases(name);
}
