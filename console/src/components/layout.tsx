/**
 * The frame around every page: a skip link, the header with the navigation (the page registry's
 * entries the caller may use) and the signed-in user with a sign-out button, and the main region.
 * On a phone the navigation wraps under the title.
 */
import type { ComponentChildren } from 'preact';
import { useConsole } from '../context.ts';
import { navigationEntries } from '../pages/registry.ts';
import { Link } from '../router.tsx';

export function Layout({ path, children }: { readonly path: string; readonly children: ComponentChildren }) {
  const { caller, auth } = useConsole();
  const entries = navigationEntries(caller.role === 'admin');
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link to="" class="brand">
          ML platform
        </Link>
        <nav aria-label="Main">
          <ul>
            {entries.map((page) => {
              const current = path === page.path || path.startsWith(`${page.path}/`);
              return (
                <li key={page.path}>
                  <Link to={page.path} aria-current={current ? 'page' : undefined}>
                    {page.nav?.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div class="user">
          <span>
            {caller.username} <span class="role">{caller.role}</span>
          </span>
          <button type="button" class="secondary" onClick={() => void auth.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
