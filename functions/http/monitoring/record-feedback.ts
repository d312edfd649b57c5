import { recordFeedback } from '#core/monitoring/ground-truth.ts';
import { modelRepository } from '../../adapters/dependencies.ts';
import { feedbackRepository } from '../../adapters/monitoring-dependencies.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

const deps = { models: modelRepository, feedback: feedbackRepository };

export const handler = httpHandler(routes.recordFeedback, async ({ principal, params, body }) =>
  ok(await recordFeedback(principal, params.name, body, deps)),
);
