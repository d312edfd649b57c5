/**
 * The console from start to page: read config.json, finish a sign-in callback when this is one,
 * ask the signed-out to sign in, learn who the caller is (GET /v1/me), then show the page the
 * URL names inside the layout.
 */
import type { ComponentChildren, ComponentType } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, createApiClient, unwrap } from './api.ts';
import { Auth, browserEnvironment } from './auth/auth.ts';
import { Layout } from './components/layout.tsx';
import { ProblemView } from './components/problem-view.tsx';
import { type ConsoleConfig, loadConfig } from './config.ts';
import { ConsoleContext, type ConsoleContextValue } from './context.ts';
import { HOME_PATH, type PageDefinition, type PageProps, pages } from './pages/registry.ts';
import { matchPattern, type RouteParams } from './route-match.ts';
import { basePath, consoleUrl, navigate, useLocation } from './router.tsx';
import { useResource } from './use-resource.ts';

export function App() {
  const config = useResource(() => loadConfig(consoleUrl()), []);
  if (config.state === 'loading') return <Status text="Starting the console…" />;
  if (config.state === 'error')
    return (
      <Centered>
        <ProblemView error={config.error} onRetry={config.reload} />
      </Centered>
    );
  return <SignedInGate config={config.data} />;
}

function SignedInGate({ config }: { readonly config: ConsoleConfig }) {
  const auth = useMemo(() => new Auth(config.identity, browserEnvironment()), [config]);
  const [signedIn, setSignedIn] = useState(auth.signedIn);
  const [callbackError, setCallbackError] = useState<unknown>();
  const location = useLocation();
  const onCallback = `${basePath()}${location.path}` === auth.callbackPath;

  useEffect(() => auth.onChange(() => setSignedIn(auth.signedIn)), [auth]);
  useEffect(() => {
    if (!onCallback) return;
    auth.completeSignIn(new URL(window.location.href)).then(
      (returnTo) => navigate(returnTo, { replace: true }),
      (error: unknown) => {
        setCallbackError(error);
        navigate('', { replace: true });
      },
    );
  }, [auth, onCallback]);

  if (onCallback) return <Status text="Signing in…" />;
  if (!signedIn) return <SignIn auth={auth} error={callbackError} returnTo={location.path} />;
  return <CallerGate auth={auth} config={config} />;
}

function SignIn({
  auth,
  error,
  returnTo,
}: {
  readonly auth: Auth;
  readonly error: unknown;
  readonly returnTo: string;
}) {
  const [failure, setFailure] = useState<unknown>(error);
  const [busy, setBusy] = useState(false);
  const start = () => {
    setBusy(true);
    auth.signIn(returnTo).catch((signInError: unknown) => {
      setFailure(signInError);
      setBusy(false);
    });
  };
  return (
    <Centered>
      <h1>ML platform console</h1>
      <p>Models, datasets, predictions and API keys of the platform, in the browser.</p>
      {failure === undefined ? null : <ProblemView error={failure} />}
      <button type="button" onClick={start} disabled={busy}>
        {busy ? 'Opening sign-in…' : 'Sign in'}
      </button>
    </Centered>
  );
}

function CallerGate({ auth, config }: { readonly auth: Auth; readonly config: ConsoleConfig }) {
  const client = useMemo(() => createApiClient(config.apiUrl, auth), [auth, config]);
  const caller = useResource(async () => unwrap(await client.api.GET('/v1/me')), [client]);
  if (caller.state === 'loading') return <Status text="Signing in…" />;
  if (caller.state === 'error') {
    const refused = caller.error instanceof ApiError && caller.error.status === 401;
    return (
      <Centered>
        <ProblemView error={caller.error} onRetry={refused ? undefined : caller.reload} />
        {refused ? (
          // The API no longer accepts this tab's token (revoked, or signed out elsewhere).
          <button type="button" onClick={() => auth.forgetSession()}>
            Sign in again
          </button>
        ) : null}
      </Centered>
    );
  }
  const value: ConsoleContextValue = { api: client.api, auth, config, caller: caller.data };
  return (
    <ConsoleContext.Provider value={value}>
      <Pages />
    </ConsoleContext.Provider>
  );
}

function findPage(path: string): { page: PageDefinition; params: RouteParams } | undefined {
  for (const page of pages) {
    const params = matchPattern(page.path, path);
    if (params !== undefined) return { page, params };
  }
  return undefined;
}

const loaded = new Map<PageDefinition, ComponentType<PageProps>>();

function Pages() {
  const location = useLocation();
  const found = findPage(location.path);
  const [, setLoadedCount] = useState(0);
  const [loadError, setLoadError] = useState<unknown>();
  const Component = found === undefined ? undefined : loaded.get(found.page);
  const shownPath = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (location.path === '') navigate(HOME_PATH, { replace: true });
  }, [location.path]);
  useEffect(() => {
    if (found === undefined) return;
    document.title = `${found.page.title} · ML platform`;
    // After a navigation inside the app, moves screen readers and the keyboard to the new page's
    // content (a full page load starts at the top, with the skip link first, as usual).
    if (shownPath.current !== undefined && shownPath.current !== location.path) {
      document.getElementById('main')?.focus({ preventScroll: true });
    }
    shownPath.current = location.path;
    if (loaded.has(found.page)) return;
    found.page.load().then(
      (module) => {
        loaded.set(found.page, module.default);
        setLoadedCount((count) => count + 1);
      },
      (error: unknown) => setLoadError(error),
    );
  }, [found?.page, location.path]);

  let content = <Status text="Loading…" />;
  if (location.path !== '' && found === undefined) {
    content = (
      <section>
        <h1>Not found</h1>
        <p>The console has no page at /{location.path}.</p>
      </section>
    );
  } else if (loadError !== undefined) {
    content = <ProblemView error={loadError} />;
  } else if (found !== undefined && Component !== undefined) {
    content = <Component params={found.params} query={location.query} />;
  }
  return <Layout path={location.path}>{content}</Layout>;
}

function Centered({ children }: { readonly children: ComponentChildren }) {
  return <main class="centered">{children}</main>;
}

function Status({ text }: { readonly text: string }) {
  return (
    <p class="boot" role="status">
      {text}
    </p>
  );
}
