/** Users (admins): invite one, change a role, disable or enable (disabling revokes their keys). */
import { useState } from 'preact/hooks';
import { type Schemas, unwrap } from '../api.ts';
import { formatTime } from '../components/format.ts';
import { ProblemView } from '../components/problem-view.tsx';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { useResource } from '../use-resource.ts';

type Role = 'admin' | 'user';

export default function UsersPage() {
  const { api, caller } = useConsole();
  const users = useResource(
    async () => unwrap(await api.GET('/v1/users', { params: { query: { limit: 100 } } })),
    [api],
  );
  const [error, setError] = useState<unknown>();
  const update = async (user: Schemas['User'], body: Schemas['UpdateUserRequest']) => {
    setError(undefined);
    try {
      unwrap(
        await api.PATCH('/v1/users/{username}', { params: { path: { username: user.username } }, body }),
      );
      users.reload();
    } catch (updateError) {
      setError(updateError);
    }
  };
  return (
    <section>
      <h1>Users</h1>
      <InviteForm onInvited={users.reload} />
      {error === undefined ? null : <ProblemView error={error} />}
      <ResourceView resource={users} label="users">
        {(page) => (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Account</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((user) => (
                  <tr key={user.userId}>
                    <td>{user.username}</td>
                    <td>{user.email ?? '—'}</td>
                    <td>
                      <label class="visually-hidden" for={`role-${user.username}`}>
                        Role of {user.username}
                      </label>
                      <select
                        id={`role-${user.username}`}
                        value={user.role ?? ''}
                        disabled={user.userId === caller.userId}
                        onChange={(event) => void update(user, { role: event.currentTarget.value as Role })}
                      >
                        {user.role === null ? <option value="">none</option> : null}
                        <option value="user">user</option>
                        <option value="admin">admin</option>
                      </select>
                    </td>
                    <td>
                      {user.enabled ? 'enabled' : 'disabled'} ({user.status})
                    </td>
                    <td>{formatTime(user.createdAt)}</td>
                    <td>
                      {user.userId === caller.userId ? (
                        <span class="hint">you</span>
                      ) : (
                        <button
                          type="button"
                          class="secondary"
                          onClick={() => void update(user, { enabled: !user.enabled })}
                        >
                          {user.enabled ? 'Disable' : 'Enable'} {user.username}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ResourceView>
    </section>
  );
}

function InviteForm({ onInvited }: { readonly onInvited: () => void }) {
  const { api } = useConsole();
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('user');
  const [error, setError] = useState<unknown>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      unwrap(await api.POST('/v1/users', { body: { username: username.trim(), email: email.trim(), role } }));
      setUsername('');
      setEmail('');
      onInvited();
    } catch (inviteError) {
      setError(inviteError);
    }
  };
  return (
    <form class="panel" aria-label="Invite a user" onSubmit={submit}>
      <h2>Invite a user</h2>
      <label for="invite-username">Username</label>
      <input
        id="invite-username"
        value={username}
        onInput={(event) => setUsername(event.currentTarget.value)}
        required
      />
      <label for="invite-email">Email</label>
      <input
        id="invite-email"
        type="email"
        value={email}
        onInput={(event) => setEmail(event.currentTarget.value)}
        required
      />
      <label for="invite-role">Role</label>
      <select id="invite-role" value={role} onChange={(event) => setRole(event.currentTarget.value as Role)}>
        <option value="user">user</option>
        <option value="admin">admin</option>
      </select>
      <div class="actions">
        <button type="submit">Invite</button>
      </div>
      {error === undefined ? null : <ProblemView error={error} />}
    </form>
  );
}
