/**
 * Progress for people: a cli-progress bar on stderr when it is a terminal; otherwise (CI, a pipe)
 * nothing for byte counts and one line per change of step, so logs stay readable. stdout is left
 * for the result.
 */
import cliProgress from 'cli-progress';
import type { CliIo } from './output.ts';

export interface ProgressDisplay {
  update(value: number, label?: string): void;
  stop(): void;
}

export function progressBar(
  io: CliIo,
  options: { total: number; unit: 'bytes' | 'percent'; quiet: boolean },
): ProgressDisplay {
  if (options.quiet || io.stderr.isTTY !== true) {
    let lastLabel: string | undefined;
    return {
      update(value, label) {
        if (options.unit === 'percent' && label !== undefined && label !== lastLabel) {
          lastLabel = label;
          io.stderr.write(`${label} ${Math.round(value)}%\n`);
        }
      },
      stop() {},
    };
  }
  const format =
    options.unit === 'bytes'
      ? '{bar} {percentage}% | {valueText} of {totalText}'
      : '{bar} {percentage}% | {label}';
  const bar = new cliProgress.SingleBar(
    { format, stream: io.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const text = (n: number) => (options.unit === 'bytes' ? formatBytes(n) : String(n));
  bar.start(options.total, 0, { label: '', valueText: text(0), totalText: text(options.total) });
  return {
    update(value, label) {
      bar.update(value, { label: label ?? '', valueText: text(value), totalText: text(options.total) });
    },
    stop() {
      bar.stop();
    },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
