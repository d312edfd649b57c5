/**
 * Every page of the console: its path under /console/, title, place in the navigation and
 * module (loaded when first shown, so a page's charts and code cost nothing elsewhere).
 * To add a page: write `src/pages/<name>.tsx` with a default export taking PageProps, and add
 * an entry here; `nav` puts it in the navigation, in `order`. The training-jobs and monitoring
 * pages go between datasets (30) and API keys (80). The first pattern that matches wins.
 */
import type { ComponentType } from 'preact';
import type { RouteParams } from '../route-match.ts';

export interface PageProps {
  readonly params: RouteParams;
  readonly query: URLSearchParams;
}

export interface PageDefinition {
  /** Under the console's base, without a leading slash; `:param` segments. */
  readonly path: string;
  readonly title: string;
  readonly nav?: { readonly label: string; readonly order: number };
  /** Shown only to admins (the API refuses others anyway). */
  readonly adminOnly?: boolean;
  readonly load: () => Promise<{ default: ComponentType<PageProps> }>;
}

export const pages: readonly PageDefinition[] = [
  {
    path: 'models',
    title: 'Models',
    nav: { label: 'Models', order: 10 },
    load: () => import('./models.tsx'),
  },
  {
    path: 'upload',
    title: 'Upload a model',
    nav: { label: 'Upload', order: 20 },
    load: () => import('./upload-model.tsx'),
  },
  { path: 'models/:name', title: 'Model', load: () => import('./model.tsx') },
  { path: 'models/:name/upload', title: 'Upload a version', load: () => import('./upload-model.tsx') },
  { path: 'models/:name/versions/:version', title: 'Model version', load: () => import('./version.tsx') },
  { path: 'models/:name/versions/:version/predict', title: 'Predict', load: () => import('./predict.tsx') },
  {
    path: 'datasets',
    title: 'Datasets',
    nav: { label: 'Datasets', order: 30 },
    load: () => import('./datasets.tsx'),
  },
  { path: 'datasets/:name', title: 'Dataset', load: () => import('./dataset.tsx') },
  {
    path: 'datasets/:name/versions/:version',
    title: 'Dataset version',
    load: () => import('./dataset-version.tsx'),
  },
  {
    path: 'training-jobs',
    title: 'Training jobs',
    nav: { label: 'Training', order: 40 },
    load: () => import('./training-jobs.tsx'),
  },
  // Before training-jobs/:jobId, which would take "new" for a job id.
  { path: 'training-jobs/new', title: 'Start a training job', load: () => import('./training-job-new.tsx') },
  { path: 'training-jobs/:jobId', title: 'Training job', load: () => import('./training-job.tsx') },
  {
    path: 'models/:name/metrics',
    title: 'Metrics across versions',
    load: () => import('./model-metrics.tsx'),
  },
  {
    path: 'monitoring',
    title: 'Monitoring',
    nav: { label: 'Monitoring', order: 50 },
    load: () => import('./monitoring.tsx'),
  },
  { path: 'monitoring/:name', title: 'Model monitoring', load: () => import('./model-monitoring.tsx') },
  {
    path: 'api-keys',
    title: 'API keys',
    nav: { label: 'API keys', order: 80 },
    load: () => import('./api-keys.tsx'),
  },
  {
    path: 'users',
    title: 'Users',
    nav: { label: 'Users', order: 90 },
    adminOnly: true,
    load: () => import('./users.tsx'),
  },
];

export const HOME_PATH = 'models';

export function navigationEntries(isAdmin: boolean): readonly PageDefinition[] {
  return pages
    .filter((page) => page.nav !== undefined && (isAdmin || page.adminOnly !== true))
    .sort((a, b) => (a.nav?.order ?? 0) - (b.nav?.order ?? 0));
}
