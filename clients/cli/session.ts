/**
 * The SDK client for a profile. A browser sign-in's access token is refreshed with its refresh
 * token when it has less than `REFRESH_MARGIN_MS` left (and the new one saved); an expired local
 * token is refused before the API does, saying how to sign in again.
 */
import { createPlatformClient, type PlatformClient } from '../sdk/src/index.ts';
import type { ConfigStore, Profile, StoredCredential } from './config-store.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { refreshTokens } from './oauth.ts';

/** Refresh this long before expiry, so a command that runs a while keeps a working token. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

const profileFlag = (name: string): string => (name === 'default' ? '' : ` --profile ${name}`);

/** The profile's credential, refreshed and saved first when it is a browser sign-in about to expire. */
export async function currentCredential(
  store: ConfigStore,
  profileName: string,
  now = new Date(),
): Promise<Profile> {
  const profile = await store.profile(profileName);
  const { credential } = profile;
  if (credential.kind === 'token' && new Date(credential.expiresAt).getTime() <= now.getTime()) {
    throw new CliError(
      `The session of ${credential.username} ended at ${credential.expiresAt}: run mlp login --local ${credential.username}${profileFlag(profileName)}.`,
      EXIT.auth,
    );
  }
  if (credential.kind !== 'oauth') return profile;
  if (new Date(credential.expiresAt).getTime() - REFRESH_MARGIN_MS > now.getTime()) return profile;
  let refreshed: Awaited<ReturnType<typeof refreshTokens>>;
  try {
    refreshed = await refreshTokens(credential.tokenEndpoint, credential.clientId, credential.refreshToken);
  } catch (error) {
    if (!(error instanceof CliError) || error.exitCode !== EXIT.auth) throw error;
    throw new CliError(
      `The session of ${credential.username} ended (${error.message}): run mlp login${profileFlag(profileName)}.`,
      EXIT.auth,
    );
  }
  const renewed: StoredCredential = {
    ...credential,
    accessToken: refreshed.accessToken,
    refreshToken: refreshed.refreshToken ?? credential.refreshToken,
    expiresAt: new Date(now.getTime() + refreshed.expiresIn * 1000).toISOString(),
  };
  const updated = { ...profile, credential: renewed };
  await store.save(profileName, updated);
  return updated;
}

export function clientOf(profile: Profile): PlatformClient {
  const { credential } = profile;
  return createPlatformClient({
    baseUrl: profile.apiUrl,
    credential: credential.kind === 'apiKey' ? credential.apiKey : credential.accessToken,
  });
}

export async function clientFor(
  store: ConfigStore,
  profileName: string,
  now = new Date(),
): Promise<PlatformClient> {
  return clientOf(await currentCredential(store, profileName, now));
}
