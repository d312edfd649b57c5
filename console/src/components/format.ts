/** How the console writes times, sizes and numbers. */

export function formatTime(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatNumber(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'number') return value === undefined || value === null ? '—' : JSON.stringify(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e6
    ? value.toPrecision(4).replace(/\.?0+$/, '')
    : value.toExponential(3);
}

export function formatShare(share: number): string {
  return `${(share * 100).toFixed(share > 0 && share < 0.01 ? 2 : 1)}%`;
}
