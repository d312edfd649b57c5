import { describe, expect, it } from 'vitest';
import { inferenceThreads } from '../../../../functions/core/inference/inference-threads.ts';

describe('inferenceThreads', () => {
  it('gives a Lambda function one thread per vCPU its memory buys, capped by its cores', () => {
    // Act / Assess: 1,769 MB per vCPU, rounded, 6 at most
    expect(inferenceThreads({ memoryMb: 128, cores: 2 })).toBe(1);
    expect(inferenceThreads({ memoryMb: 2048, cores: 2 })).toBe(1);
    expect(inferenceThreads({ memoryMb: 3008, cores: 2 })).toBe(2);
    expect(inferenceThreads({ memoryMb: 5307, cores: 4 })).toBe(3);
    expect(inferenceThreads({ memoryMb: 10_240, cores: 6 })).toBe(6);
    expect(inferenceThreads({ memoryMb: 10_240, cores: 2 })).toBe(2);
  });

  it('uses every core outside Lambda, and an operator override within the cores', () => {
    // Act / Assess
    expect(inferenceThreads({ cores: 8 })).toBe(8);
    expect(inferenceThreads({ cores: 0 })).toBe(1);
    expect(inferenceThreads({ cores: 8, memoryMb: 2048, override: 4 })).toBe(4);
    expect(inferenceThreads({ cores: 2, override: 16 })).toBe(2);
  });
});
