import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GENERATED_TYPES_PATH, generateOpenApiTypes } from '../../../clients/sdk/scripts/openapi-types.ts';

describe('the SDK types (clients/sdk/src/generated/api.ts)', () => {
  it('are what regenerating from the route table gives: run `npm run sdk:generate` after changing a route', async () => {
    // Act
    const [regenerated, committed] = await Promise.all([
      generateOpenApiTypes(),
      readFile(GENERATED_TYPES_PATH, 'utf8'),
    ]);

    // Assess
    expect(committed).toBe(regenerated);
    expect(committed).toContain('"/v1/models/{name}/versions/{version}/download"');
  });
});
