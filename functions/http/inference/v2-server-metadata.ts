import { config } from '#config';
import { serverMetadata } from '#core/inference/open-inference-protocol.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

const metadata = serverMetadata(config().serviceVersion);

export const handler = httpHandler(routes.v2ServerMetadata, async () => ok(metadata));
