/** The SDK client for a profile, refusing an expired token before the API does. */
import { createPlatformClient, type PlatformClient } from '../sdk/src/index.ts';
import type { Profile } from './config-store.ts';
import { CliError, EXIT } from './exit-codes.ts';

export function clientFor(profile: Profile, profileName: string, now = new Date()): PlatformClient {
  const { credential } = profile;
  if (credential.kind === 'token' && new Date(credential.expiresAt).getTime() <= now.getTime()) {
    const flag = profileName === 'default' ? '' : ` --profile ${profileName}`;
    throw new CliError(
      `The session of ${credential.username} ended at ${credential.expiresAt}: run mlp login --local ${credential.username}${flag}.`,
      EXIT.auth,
    );
  }
  return createPlatformClient({
    baseUrl: profile.apiUrl,
    credential: credential.kind === 'token' ? credential.accessToken : credential.apiKey,
  });
}
