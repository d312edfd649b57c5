/**
 * The PSI thresholds a drift report judges features by, per model: set by its owner
 * (`PATCH /v1/models/{name}` `driftThresholds`), the defaults otherwise. Reports and the drift alert
 * rule both read them, so tightening a threshold changes the next report and the next alert run.
 */
import { ValidationError } from '../errors.ts';

export interface DriftThresholds {
  /** PSI at or above which a feature says `warning`. */
  readonly warning: number;
  /** PSI at or above which a feature says `drift`. */
  readonly drift: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { warning: 0.1, drift: 0.2 };

export function driftThresholdsOf(model: { readonly driftThresholds?: DriftThresholds }): DriftThresholds {
  return model.driftThresholds ?? DEFAULT_DRIFT_THRESHOLDS;
}

/** The fields given change, the rest keep their stored (or default) values; warning stays below drift. */
export function mergeDriftThresholds(
  current: DriftThresholds | undefined,
  patch: Partial<DriftThresholds>,
): DriftThresholds {
  const merged = { ...(current ?? DEFAULT_DRIFT_THRESHOLDS), ...patch };
  if (!(merged.warning < merged.drift)) {
    const message = `driftThresholds.warning (${merged.warning}) must be below driftThresholds.drift (${merged.drift}).`;
    throw new ValidationError(message, [{ field: 'body.driftThresholds', message }]);
  }
  return merged;
}
