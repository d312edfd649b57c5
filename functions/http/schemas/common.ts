/** Schemas shared by many routes: problems, pagination, identifiers. */
import * as z from 'zod';

export const problemSchema = z
  // Loose: a problem may carry extensions (e.g. `retryAfterSeconds`, `limitBytes`), as RFC 9457 allows.
  .looseObject({
    type: z.url().describe('A URI identifying the kind of problem.'),
    title: z.string().describe('Short, human-readable summary of the kind of problem.'),
    status: z.int().min(400).max(599).describe('The HTTP status code.'),
    detail: z.string().describe('What went wrong with this request, in words a person can act on.'),
    instance: z.string().optional().describe('The request path.'),
    requestId: z.string().optional().describe('Quote this when reporting a problem.'),
    field: z.string().optional().describe('The offending field, e.g. `body.name`.'),
    row: z.int().positive().optional().describe('The offending row (1-based) of a file or batch.'),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details, served as application/problem+json.' });

export const paginationQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Page size, 1 to 100.'),
  cursor: z.string().min(1).max(2048).optional().describe('The `nextCursor` of the previous page.'),
});

export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z
        .string()
        .optional()
        .describe('Pass as `cursor` for the next page; absent on the last page.'),
    })
    .meta({ id });
}

export const isoTimestamp = z.iso.datetime({ offset: false }).describe('ISO-8601 UTC time.');

export const usernameSchema = z
  .string()
  .min(3)
  .max(64)
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit',
  );
