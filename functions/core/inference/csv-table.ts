/**
 * A CSV body as a table, read as pandas' read_csv reads one by default: the first record is the
 * header; a field that is a number becomes a number, an empty one is missing (null), the rest stay
 * text. Malformed CSV (a stray or unterminated quote, a ragged row) is refused naming the line.
 */
import { CsvTokenizer } from '../datasets/csv-tokenizer.ts';
import { ValidationError } from '../errors.ts';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface CsvTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
}

function invalid(message: string): ValidationError {
  return new ValidationError(message, [{ field: 'body', message }]);
}

/**
 * @throws ValidationError naming the line.
 * @example
 * parseCsvTable('a,b\n1,x\n'); // { columns: ['a', 'b'], rows: [[1, 'x']] }
 */
export function parseCsvTable(text: string): CsvTable {
  const records: { fields: string[]; line: number }[] = [];
  let problem: string | undefined;
  const tokenizer = new CsvTokenizer({
    onRecord: (fields, line) => records.push({ fields, line }),
    onFinding: (finding, line) => {
      problem ??= `The CSV has a ${finding.replaceAll('-', ' ')} on line ${line}.`;
    },
  });
  tokenizer.write(text.replace(/^\uFEFF/, ''));
  tokenizer.end();
  if (problem !== undefined) throw invalid(problem);
  const [header, ...body] = records;
  if (header === undefined) throw invalid('The CSV is empty: send a header row, then one row per instance.');
  const rows = body.map(({ fields, line }) => {
    if (fields.length !== header.fields.length) {
      throw invalid(`Line ${line} has ${fields.length} fields; the header has ${header.fields.length}.`);
    }
    return fields.map((raw) => {
      const value = raw.trim();
      return value === '' ? null : NUMBER.test(value) ? Number(value) : raw;
    });
  });
  return { columns: header.fields, rows };
}
