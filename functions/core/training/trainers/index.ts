/**
 * The trainers by algorithm name: what a training request may ask for. A new trainer is added here
 * and its model kind to the `FittedModel` union.
 */
import { ValidationError } from '../../errors.ts';
import { gradientBoostingTrainer } from './gradient-boosting/gradient-boosting.ts';
import { linearRegressionTrainer } from './linear-regression.ts';
import { logisticRegressionTrainer } from './logistic-regression.ts';
import type { Task, Trainer } from './trainer.ts';

export const TRAINERS: readonly Trainer[] = [
  linearRegressionTrainer,
  logisticRegressionTrainer,
  gradientBoostingTrainer,
];

/** Every algorithm a request may name (the in-Lambda trainers; XGBoost on SageMaker is chosen by size). */
export const ALGORITHMS = TRAINERS.map((trainer) => trainer.algorithm) as [string, ...string[]];

/**
 * The trainer of an algorithm, checked against the task.
 *
 * @example
 * const trainer = trainerFor('logistic-regression', 'classification');
 */
export function trainerFor(algorithm: string, task: Task): Trainer {
  const trainer = TRAINERS.find((candidate) => candidate.algorithm === algorithm);
  if (trainer === undefined) {
    const known = TRAINERS.map((t) => t.algorithm).join(', ');
    throw new ValidationError(`Unknown algorithm "${algorithm}".`, [
      { field: 'algorithm', message: `Unknown algorithm (known: ${known}).` },
    ]);
  }
  if (!trainer.tasks.includes(task)) {
    throw new ValidationError(`The algorithm "${algorithm}" does not do ${task}.`, [
      { field: 'algorithm', message: `Does not do ${task} (it does ${trainer.tasks.join(', ')}).` },
    ]);
  }
  return trainer;
}

/** The trainers that can do a task. */
export function trainersFor(task: Task): readonly Trainer[] {
  return TRAINERS.filter((trainer) => trainer.tasks.includes(task));
}
