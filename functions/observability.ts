/**
 * Structured logs, metrics and tracing, with the service name set once. Powertools reads its own
 * settings (POWERTOOLS_*) from the environment; the local platform turns tracing and metric
 * emission off there, since no X-Ray daemon or CloudWatch agent runs on a laptop.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = 'ml-platform';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'MlPlatform' });
export const tracer = new Tracer({ serviceName });
