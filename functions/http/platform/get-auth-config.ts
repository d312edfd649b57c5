import { config } from '#config';
import { signInDiscovery } from '#core/auth/sign-in.ts';
import { httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

const { auth } = config();

export const handler = httpHandler(routes.authConfig, async () => ({
  status: 200,
  body: signInDiscovery({ issuer: auth.issuer, ...auth.signIn }),
  headers: { 'cache-control': 'public, max-age=300' },
}));
