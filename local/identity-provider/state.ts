/**
 * What the local identity provider keeps on disk, in its data directory:
 * - `signing-key.json`: the RSA-2048 key pair (JWK) and its `kid`, made once and never rewritten;
 * - `user-pool.json`: users, groups and the server's last address (the CLI signs with that issuer).
 * Both files are written atomically (temporary file, then rename or link) and readable by the owner only.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { z } from 'zod';

export const SIGNING_KEY_FILE = 'signing-key.json';
export const USER_POOL_FILE = 'user-pool.json';

/** Groups every local user pool has, whatever is on disk: the platform's two roles. */
export const BUILT_IN_GROUPS = [
  { name: 'admin', description: 'Platform administrators.' },
  { name: 'user', description: 'Platform users.' },
] as const;

const jwkSchema = z.looseObject({ kty: z.literal('RSA'), n: z.string().min(1), e: z.string().min(1) });

const signingKeySchema = z.object({
  kid: z.string().min(1),
  alg: z.literal('RS256'),
  privateJwk: jwkSchema.extend({ d: z.string().min(1) }),
  publicJwk: jwkSchema,
  createdAt: z.string(),
});

export interface SigningKey {
  /** RFC 7638 thumbprint of the public key: the `kid` of every token and of the JWKS entry. */
  readonly kid: string;
  readonly alg: 'RS256';
  readonly privateJwk: JWK;
  /** With `kid`, `alg: RS256` and `use: sig`, as served in the JWKS. */
  readonly publicJwk: JWK;
  readonly createdAt: string;
}

const storedUserSchema = z.object({
  username: z.string().min(1),
  sub: z.uuid(),
  /** Cognito attributes except `sub`, which is derived from the field above. */
  attributes: z.record(z.string(), z.string()),
  enabled: z.boolean(),
  status: z.enum(['FORCE_CHANGE_PASSWORD', 'CONFIRMED']),
  /** Epoch milliseconds. */
  createdAt: z.number(),
  updatedAt: z.number(),
  groups: z.array(z.string()),
});

export type StoredUser = z.infer<typeof storedUserSchema>;

const storedGroupSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export type StoredGroup = z.infer<typeof storedGroupSchema>;

const serverRecordSchema = z.object({
  /** `http://<host>:<port>`: the `iss` of every token, and where the JWKS is served. */
  issuer: z.url(),
  clientId: z.string().min(1),
  userPoolId: z.string().min(1),
  region: z.string().min(1),
  startedAt: z.string(),
});

export type ServerRecord = z.infer<typeof serverRecordSchema>;

const userPoolStateSchema = z.object({
  version: z.literal(1),
  /** Absent until a server has started on this data directory. */
  server: serverRecordSchema.optional(),
  groups: z.array(storedGroupSchema),
  users: z.array(storedUserSchema),
});

export type UserPoolState = z.infer<typeof userPoolStateSchema>;

export class StateFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StateFileError';
  }
}

async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(`${file} is not valid JSON; fix or delete it.`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new StateFileError(
      `${file} is not a valid state file (${where}: ${issue?.message}); fix or delete it.`,
    );
  }
  return parsed.data;
}

const temporaryName = (file: string): string => `${file}.${process.pid}.${randomUUID()}.tmp`;

/** Replaces `file` in one step: readers see the old content or the new, never a half-written file. */
export async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const temporary = temporaryName(file);
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Writes `file` only if it does not exist yet (atomically); returns false when another writer was first. */
async function createJsonExclusively(file: string, value: unknown): Promise<boolean> {
  const temporary = temporaryName(file);
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  try {
    await link(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const privateJwk = await exportJWK(privateKey);
  const exportedPublic = await exportJWK(publicKey);
  // The RFC 7638 thumbprint: derived from the key, so the kid is as stable as the key file.
  const kid = await calculateJwkThumbprint(exportedPublic);
  const publicJwk: JWK = { ...exportedPublic, kid, alg: 'RS256', use: 'sig' };
  return signingKeySchema.parse({
    kid,
    alg: 'RS256',
    privateJwk: { ...privateJwk, kid, alg: 'RS256' },
    publicJwk,
    createdAt: new Date().toISOString(),
  }) as SigningKey;
}

/** Reads the signing key, or undefined when the data directory has none. */
export async function readSigningKey(dataDir: string): Promise<SigningKey | undefined> {
  return (await readJson(join(dataDir, SIGNING_KEY_FILE), signingKeySchema)) as SigningKey | undefined;
}

/** The data directory's signing key, made (once) if it has none. */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const existing = await readSigningKey(dataDir);
  if (existing) return existing;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const created = await generateSigningKey();
  if (await createJsonExclusively(join(dataDir, SIGNING_KEY_FILE), created)) return created;
  const winner = await readSigningKey(dataDir);
  if (!winner) throw new StateFileError(`Could not create ${join(dataDir, SIGNING_KEY_FILE)}.`);
  return winner;
}

/** Reads the user pool, or undefined when the data directory has none. */
export async function readUserPoolState(dataDir: string): Promise<UserPoolState | undefined> {
  return readJson(join(dataDir, USER_POOL_FILE), userPoolStateSchema);
}

export async function writeUserPoolState(dataDir: string, state: UserPoolState): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeJsonAtomically(join(dataDir, USER_POOL_FILE), state);
}

/** The user pool on disk (or an empty one), with the built-in groups added if they are missing. */
export async function loadUserPoolState(dataDir: string, now = Date.now()): Promise<UserPoolState> {
  const state = (await readUserPoolState(dataDir)) ?? { version: 1, groups: [], users: [] };
  for (const group of BUILT_IN_GROUPS) {
    if (!state.groups.some((g) => g.name === group.name)) {
      state.groups.push({ name: group.name, description: group.description, createdAt: now, updatedAt: now });
    }
  }
  return state;
}
