import { config } from '#config';
import { checkHealth } from '#core/health/health.ts';
import { apiKeyRepository, modelsStore } from '../../adapters/dependencies.ts';
import { httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

const { serviceVersion, stage, auth } = config();

const probes = [
  { name: 'metadata-store', check: async () => void (await apiKeyRepository.get('health-probe')) },
  { name: 'object-store', check: () => modelsStore.ping() },
  {
    name: 'identity-provider',
    check: async () => {
      const response = await fetch(auth.jwksUrl, { signal: AbortSignal.timeout(2000) });
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
    },
  },
];

export const handler = httpHandler(routes.health, async () => {
  const report = await checkHealth(probes, {
    version: serviceVersion,
    stage,
    now: () => new Date(),
    timeoutMs: 2500,
  });
  return { status: report.status === 'ok' ? 200 : 503, body: report };
});
