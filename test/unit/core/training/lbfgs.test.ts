import { describe, expect, it } from 'vitest';
import { minimizeLbfgs, type Objective } from '../../../../functions/core/training/trainers/lbfgs.ts';

/** f(x) = ½ Σ dᵢ (xᵢ − cᵢ)², d spread over [1, condition] on a log scale. */
function quadratic(n: number, condition: number): { objective: Objective; centre: Float64Array } {
  const d = Float64Array.from({ length: n }, (_, i) => condition ** (i / Math.max(n - 1, 1)));
  const centre = Float64Array.from({ length: n }, (_, i) => Math.cos(i + 1));
  const objective: Objective = (x, g) => {
    let f = 0;
    for (let i = 0; i < n; i += 1) {
      const r = (x[i] as number) - (centre[i] as number);
      g[i] = (d[i] as number) * r;
      f += 0.5 * (d[i] as number) * r * r;
    }
    return f;
  };
  return { objective, centre };
}

const rosenbrock: Objective = (x, g) => {
  const a = x[0] as number;
  const b = x[1] as number;
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

describe('minimizeLbfgs', () => {
  it('finds the minimum of an ill-conditioned quadratic to the tolerance', async () => {
    // Prepare
    const { objective, centre } = quadratic(50, 1e4);
    const x0 = new Float64Array(50);

    // Act
    const result = await minimizeLbfgs(objective, x0, { maxIterations: 2000, tolerance: 1e-10 });

    // Assess
    expect(result.converged).toBe(true);
    expect(result.stop).toBe('gradient');
    // The target is relative to the starting gradient (≈ 1e4 here); |xᵢ − cᵢ| = |gᵢ| / dᵢ, dᵢ ≥ 1.
    expect(result.gradientNorm).toBeLessThanOrEqual(1e-10 * 1e4);
    centre.forEach((c, i) => {
      expect(Math.abs((result.x[i] as number) - c)).toBeLessThanOrEqual(result.gradientNorm);
    });
    expect(Array.from(x0).every((v) => v === 0)).toBe(true);
  });

  it('solves the Rosenbrock function from the classic start (−1.2, 1)', async () => {
    // Act
    const result = await minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), {
      maxIterations: 500,
      tolerance: 1e-10,
    });

    // Assess
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 7);
    expect(result.x[1]).toBeCloseTo(1, 7);
    expect(result.evaluations).toBeLessThan(200);
  });

  it('stops at the iteration cap without claiming convergence', async () => {
    // Act
    const result = await minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), {
      maxIterations: 3,
      tolerance: 1e-12,
    });

    // Assess
    expect(result.iterations).toBe(3);
    expect(result.stop).toBe('max-iterations');
    expect(result.converged).toBe(false);
  });

  it('returns at once from a stationary start', async () => {
    // Prepare
    const { objective, centre } = quadratic(3, 10);

    // Act
    const result = await minimizeLbfgs(objective, centre, { maxIterations: 10, tolerance: 1e-12 });

    // Assess
    expect(result.iterations).toBe(0);
    expect(result.evaluations).toBe(1);
    expect(result.converged).toBe(true);
  });

  it('reports each iteration with a decreasing value, and lets the callback abort', async () => {
    // Prepare
    const { objective } = quadratic(10, 100);
    const values: number[] = [];

    // Act
    const run = minimizeLbfgs(objective, new Float64Array(10), {
      maxIterations: 100,
      tolerance: 1e-12,
      onIteration: ({ iteration, value }) => {
        values.push(value);
        if (iteration === 4) throw new Error('stop here');
      },
    });

    // Assess
    await expect(run).rejects.toThrow('stop here');
    expect(values).toHaveLength(4);
    for (let i = 1; i < values.length; i += 1)
      expect(values[i] as number).toBeLessThan(values[i - 1] as number);
  });

  it('refuses a start where the objective is not finite', async () => {
    await expect(
      minimizeLbfgs(() => Number.NaN, new Float64Array(1), { maxIterations: 1, tolerance: 1e-6 }),
    ).rejects.toThrow(RangeError);
  });
});
