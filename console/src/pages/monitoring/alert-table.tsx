/** Alerts as a table: the rule that fired, since when, what it saw; the model linked when shown. */
import type { Schemas } from '../../api.ts';
import { pathTo } from '../../route-match.ts';
import { Link } from '../../router.tsx';

export function AlertTable({
  alerts,
  showModel,
}: {
  readonly alerts: readonly Schemas['Alert'][];
  readonly showModel?: boolean;
}) {
  if (alerts.length === 0) return <p>No open alerts.</p>;
  return (
    <div class="table-wrap">
      <table data-testid="alerts">
        <caption class="visually-hidden">Open alerts</caption>
        <thead>
          <tr>
            {showModel ? <th scope="col">Model</th> : null}
            <th scope="col">Rule</th>
            <th scope="col">Since</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr key={`${alert.model}/${alert.rule}`}>
              {showModel ? (
                <td>
                  <Link to={pathTo('monitoring/:name', { name: alert.model })}>{alert.model}</Link>
                </td>
              ) : null}
              <td>
                <span class="badge FAILED">{alert.rule}</span>
              </td>
              <td>{alert.openedAt.slice(0, 16).replace('T', ' ')}</td>
              <td>{alert.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
