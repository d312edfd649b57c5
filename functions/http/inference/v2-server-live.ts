import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.v2ServerLive, async () => ok({ live: true }));
