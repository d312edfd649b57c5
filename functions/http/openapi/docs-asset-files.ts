/**
 * The files of the swagger-ui-dist package the docs console loads, as paths a bare-specifier
 * resolution accepts. The route table copies them into the docs-assets function's bundle, and the
 * function serves these and nothing else. No imports: CDK loads this through the route table.
 */
export const SWAGGER_UI_PACKAGE_FILES = [
  'swagger-ui-dist/package.json',
  'swagger-ui-dist/swagger-ui-bundle.js',
  'swagger-ui-dist/swagger-ui.css',
] as const;

/** Where the page loads its assets from; `GET /docs/assets/{file}` serves them. */
export const DOCS_ASSETS_PATH = '/docs/assets/';

/** The scripts the page loads, in order (deferred, so the bundle runs before the init script). */
export const DOCS_SCRIPTS = ['swagger-ui-bundle.js', 'docs-init.js'] as const;
export const DOCS_STYLESHEETS = ['swagger-ui.css'] as const;
