/** How commands print: tables and short lines for people, `--json` for scripts. */
import type { Writable } from 'node:stream';

export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(io: CliIo, line = ''): void {
  io.stdout.write(`${line}\n`);
}

export function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatNumber(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function formatNumber(value: number): string {
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : String(Number(value.toFixed(4)));
}

/**
 * A plain-text table: a header, a rule, one line per row; columns as wide as their widest cell.
 * @example
 * printTable(io, ['name', 'version'], [['iris', 1]]);
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const text = rows.map((row) => headers.map((_, i) => cell(row[i]).replaceAll('\n', ' ')));
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...text.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

export function printTable(
  io: CliIo,
  headers: readonly string[],
  rows: readonly (readonly unknown[])[],
): void {
  io.stdout.write(`${rows.length === 0 ? '(none)' : renderTable(headers, rows)}\n`);
}
