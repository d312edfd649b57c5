import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

// Readiness of individual models is per model (`/v2/models/{name}/ready`); the server itself is stateless.
export const handler = httpHandler(routes.v2ServerReady, async () => ok({ ready: true }));
