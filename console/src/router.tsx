/**
 * The console's router: paths under `/console/` (on AWS as locally) with the History API, so
 * every page has a URL that can be bookmarked and reloaded (the server answers index.html for any
 * console path). `Link` renders a real anchor and keeps modified clicks (new tab) the browser's.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { CONSOLE_BASE_PATH } from '../../infra/definitions/console.ts';
import { consolePath } from './route-match.ts';

export interface Location {
  /** Without the base and without a leading slash: `models/iris`. */
  readonly path: string;
  readonly query: URLSearchParams;
}

const listeners = new Set<() => void>();

export function basePath(): string {
  return CONSOLE_BASE_PATH;
}

/** `https://host/console/`: config.json and the redirect URIs are relative to it. */
export function consoleUrl(): string {
  return new URL(CONSOLE_BASE_PATH, window.location.origin).toString();
}

export function currentLocation(): Location {
  return {
    path: consolePath(window.location.pathname, basePath()) ?? '',
    query: new URLSearchParams(window.location.search),
  };
}

/** A console path (`models/iris?tab=x`) as an absolute URL path. */
export function href(path: string): string {
  return `${basePath()}${path.replace(/^\/+/, '')}`;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const target = href(path);
  if (options.replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  for (const listener of listeners) listener();
}

export function useLocation(): Location {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const update = () => setLocation(currentLocation());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

interface AnchorProps {
  readonly to: string;
  readonly children: ComponentChildren;
  readonly class?: string;
  readonly 'aria-current'?: 'page' | undefined;
  readonly 'aria-label'?: string;
}

export function Link({ to, children, ...rest }: AnchorProps) {
  const onClick = (event: MouseEvent) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    event.preventDefault();
    navigate(to);
    window.scrollTo(0, 0);
  };
  return (
    <a {...rest} href={href(to)} onClick={onClick}>
      {children}
    </a>
  );
}
