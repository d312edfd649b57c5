/** `npm run generate -w clients/sdk`: writes src/generated/api.ts from the API's OpenAPI document. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { GENERATED_TYPES_PATH, generateOpenApiTypes } from './openapi-types.ts';

await writeFile(GENERATED_TYPES_PATH, await generateOpenApiTypes());
console.log(`Wrote ${fileURLToPath(GENERATED_TYPES_PATH)}.`);
