/**
 * Browser tests of the web console: Debian's chromium (no browser download) driven by
 * playwright-core, against a local platform serving a fresh build of the console. Screenshots go to
 * test-artifacts/console/ (gitignored; CI keeps them as artifacts).
 * Without chromium the tests are skipped on a developer's machine and fail under CI=true.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildConsole } from '../../console/build.ts';
import { type LocalPlatformOptions, repositoryRoot } from '../../local/platform.ts';
import { startTestPlatform, type TestPlatform } from './local-platform.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(repositoryRoot, 'test-artifacts', 'console');

/** No network chatter of the browser's own, nothing kept between runs (a fresh --user-data-dir). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const INSTALL_HINT =
  'Install it with `apt-get install -y chromium` (Debian/Ubuntu), or point CHROMIUM_PATH at a Chrome or Chromium binary.';

/**
 * Whether the browser tests can run here. Under CI=true a missing chromium is an error (a green CI
 * must not hide untested pages); elsewhere the tests are skipped with the reason printed.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true')
    throw new Error(`The browser tests need chromium at ${CHROMIUM_PATH}. ${INSTALL_HINT}`);
  console.warn(`Skipping the browser tests: no chromium at ${CHROMIUM_PATH}. ${INSTALL_HINT}`);
  return false;
}

export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

export interface ConsoleSession {
  readonly t: TestPlatform;
  readonly context: BrowserContext;
  /** A new tab at desktop width that records what would be a failure in a browser's console. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Page errors, console errors and CSP violations seen on any page so far. */
  readonly problems: string[];
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Builds the console into a temporary folder, starts a platform serving it (with `options`, e.g. a
 * short usage flush interval) and a browser.
 */
export async function startConsoleSession(
  options: Partial<LocalPlatformOptions> = {},
): Promise<ConsoleSession> {
  const work = await mkdtemp(join(tmpdir(), 'mlp-console-'));
  const { outdir } = await buildConsole({ outdir: join(work, 'dist') });
  const t = await startTestPlatform({ ...options, consoleDistDir: outdir });
  const context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: DESKTOP,
  });
  const problems: string[] = [];
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return {
    t,
    context,
    problems,
    async newPage(viewport = DESKTOP) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      return page;
    },
    async screenshot(page, name) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close().catch(() => undefined);
      await t.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/**
 * Puts tokens the local identity provider issued into the tab's sessionStorage, where the console's
 * sign-in keeps them, and opens `path`. For tests of pages; the sign-in flow itself is tested in
 * console-sign-in.test.ts.
 */
export async function openSignedIn(
  session: ConsoleSession,
  page: Page,
  username: string,
  path: string,
): Promise<void> {
  const tokens = await session.t.platform.identity.issueTokens(username, { expiresInSeconds: 3600 });
  await page.goto(session.t.platform.consoleUrl);
  await page.evaluate((stored) => sessionStorage.setItem('mlp.console.tokens', JSON.stringify(stored)), {
    accessToken: tokens.accessToken,
    idToken: tokens.idToken,
    expiresAt: Date.now() + 3600_000,
  });
  await page.goto(`${session.t.platform.consoleUrl}${path}`);
}

/** The problems that are failures whatever the page: script errors and CSP violations. */
export function scriptOrPolicyProblems(session: ConsoleSession): string[] {
  return session.problems.filter(
    (line) => line.startsWith('page error') || /Content Security Policy/i.test(line),
  );
}
