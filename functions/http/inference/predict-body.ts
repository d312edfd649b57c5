/**
 * The predict route's body without zod on the common path: `{"instances": [...]}` with 1 to
 * MAX_INSTANCES rows and an optional `routingKey` of 1 to 256 characters is taken as it is; any
 * other body goes to `predictBodySchema`, which accepts it or words the refusal exactly as before.
 * The rows' values are checked against the model's signature afterwards (core/inference/instances.ts).
 */

import type { z } from 'zod';
import { MAX_INSTANCES } from '#core/inference/instances.ts';
import type { predictBodySchema } from '../schemas/predictions.ts';

type PredictBody = z.output<typeof predictBodySchema>;

const MAX_ROUTING_KEY_LENGTH = 256;

/**
 * What `predictBodySchema` returns for a body it accepts, or undefined to leave the body to it.
 *
 * @example
 * acceptPredictBody({ instances: [[5.1, 3.5, 1.4, 0.2]] }); // { instances: [[5.1, 3.5, 1.4, 0.2]] }
 * acceptPredictBody({ instances: [] }); // undefined: the schema refuses it, with its message
 */
export function acceptPredictBody(body: unknown): PredictBody | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { instances, routingKey } = body as { instances?: unknown; routingKey?: unknown };
  if (!Array.isArray(instances) || instances.length === 0 || instances.length > MAX_INSTANCES)
    return undefined;
  const keys = Object.keys(body);
  if (routingKey === undefined) {
    return keys.length === 1 && keys[0] === 'instances' ? { instances } : undefined;
  }
  if (
    typeof routingKey !== 'string' ||
    routingKey.length === 0 ||
    routingKey.length > MAX_ROUTING_KEY_LENGTH ||
    keys.length !== 2 ||
    !Object.hasOwn(body, 'instances') ||
    !Object.hasOwn(body, 'routingKey')
  ) {
    return undefined;
  }
  return { instances, routingKey };
}
