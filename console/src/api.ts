/**
 * The console's API client: the SDK's typed client (clients/sdk, generated from the OpenAPI
 * document) with the signed-in user's access token on every call. Only the SDK's browser-safe
 * module is imported; its upload helpers read files through Node.
 */
import {
  ApiError,
  createPlatformClient,
  type PlatformClient,
  type Schemas,
  unwrap,
} from '../../clients/sdk/src/client.ts';
import type { Auth } from './auth/auth.ts';

export { ApiError, type Schemas, unwrap };
export type Api = PlatformClient['api'];

export class SignedOutError extends Error {
  constructor() {
    super('Sign in to use the console.');
    this.name = 'SignedOutError';
  }
}

export function createApiClient(apiUrl: string, auth: Auth): PlatformClient {
  return createPlatformClient({
    baseUrl: apiUrl,
    credential: async () => {
      const token = await auth.accessToken();
      if (token === undefined) throw new SignedOutError();
      return token;
    },
  });
}
