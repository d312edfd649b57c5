/**
 * Alerts written as one line each to the function's output: `npm start` shows them in its console.
 * On AWS the alerts topic receives them instead (sns/alert-publisher.ts), with the same first line.
 */
import type { AlertPublisher, AlertRecord } from '#core/monitoring/scheduled-alerts.ts';

export function alertLine(alert: AlertRecord): string {
  return alert.state === 'open'
    ? `Alert opened: ${alert.model} ${alert.rule}: ${alert.detail}`
    : `Alert resolved: ${alert.model} ${alert.rule} (opened ${alert.openedAt}, resolved ${alert.resolvedAt ?? '?'})`;
}

export class LogAlertPublisher implements AlertPublisher {
  readonly #write: (line: string) => void;

  constructor(write: (line: string) => void = (line) => console.log(line)) {
    this.#write = write;
  }

  async publish(alert: AlertRecord): Promise<void> {
    this.#write(alertLine(alert));
  }
}
