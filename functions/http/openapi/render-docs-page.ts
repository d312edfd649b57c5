/**
 * Renders the page served at /docs from the OpenAPI document: a "try it" console (Swagger UI, whose
 * files the platform itself serves under /docs/assets/) above the static reference, operations
 * grouped by tag, which needs no script. Every piece of text taken from the document is HTML-escaped.
 * It is served with a strict Content-Security-Policy: scripts and stylesheets from this origin only
 * (plus the page's own stylesheet by its hash; no 'unsafe-inline'), requests to this origin only, and
 * no site may frame the page.
 */
import { createHash } from 'node:crypto';
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiHeader,
  OpenApiMediaType,
  OpenApiMethod,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiReference,
  OpenApiResponse,
} from './build-openapi-document.ts';
import { DOCS_ASSETS_PATH, DOCS_SCRIPTS, DOCS_STYLESHEETS } from './docs-asset-files.ts';

const METHODS: readonly OpenApiMethod[] = ['get', 'post', 'put', 'patch', 'delete'];
const OPENAPI_PATH = '/v1/openapi.json';
const SCHEMA_REF_PREFIX = '#/components/schemas/';

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** Escaped text where `code spans` (as route summaries write them) become <code>. */
function inline(text: unknown): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function isReference(value: unknown): value is OpenApiReference {
  return (
    typeof value === 'object' && value !== null && typeof (value as { $ref?: unknown }).$ref === 'string'
  );
}

/** Follows local `$ref`s (`#/...`) through the document; undefined when one does not resolve. */
function resolve<T>(document: OpenApiDocument, value: T | OpenApiReference | undefined): T | undefined {
  let current: unknown = value;
  for (let hops = 0; isReference(current) && hops < 16; hops++) {
    if (!current.$ref.startsWith('#/')) return undefined;
    current = current.$ref
      .slice(2)
      .split('/')
      .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>(
        (node, segment) =>
          typeof node === 'object' && node !== null && Object.hasOwn(node, segment)
            ? (node as Record<string, unknown>)[segment]
            : undefined,
        document,
      );
  }
  return isReference(current) ? undefined : (current as T | undefined);
}

function componentName(schema: JsonSchema | undefined): string | undefined {
  const target = schema?.$ref;
  return typeof target === 'string' && target.startsWith(SCHEMA_REF_PREFIX)
    ? target.slice(SCHEMA_REF_PREFIX.length)
    : undefined;
}

function schemaAnchor(name: string): string {
  return `schema-${name}`;
}

function renderSchema(document: OpenApiDocument, schema: JsonSchema | undefined): string {
  if (schema === undefined) return '<span class="muted">no schema</span>';
  const name = componentName(schema);
  const shown = resolve<JsonSchema>(document, schema) ?? schema;
  const link =
    name === undefined
      ? ''
      : ` <a href="#${escapeHtml(schemaAnchor(name))}" class="muted">(${escapeHtml(name)})</a>`;
  return (
    `<details><summary>${name === undefined ? 'Schema' : escapeHtml(name)}</summary>${link}` +
    `<pre>${escapeHtml(JSON.stringify(shown, null, 2))}</pre></details>`
  );
}

/** A link to the schema in the Schemas section when it is a component, for content shown many times. */
function renderSchemaLink(document: OpenApiDocument, schema: JsonSchema | undefined): string {
  const name = componentName(schema);
  return name === undefined
    ? renderSchema(document, schema)
    : `<a href="#${escapeHtml(schemaAnchor(name))}">${escapeHtml(name)}</a>`;
}

function renderContent(
  document: OpenApiDocument,
  content: Readonly<Record<string, OpenApiMediaType>> | undefined,
  shared = false,
) {
  return Object.entries(content ?? {})
    .map(
      ([type, media]) =>
        `<div class="media"><code>${escapeHtml(type)}</code> ` +
        `${shared ? renderSchemaLink(document, media.schema) : renderSchema(document, media.schema)}</div>`,
    )
    .join('');
}

function isPublic(document: OpenApiDocument, operation: OpenApiOperation): boolean {
  const security = operation.security ?? document.security ?? [];
  return security.length === 0 || security.some((requirement) => Object.keys(requirement).length === 0);
}

function authLabel(document: OpenApiDocument, operation: OpenApiOperation): { text: string; kind: string } {
  const predict = operation['x-api-key-scope'] === 'predict' ? '; prediction-only keys accepted' : '';
  const access = operation['x-access'] ?? (isPublic(document, operation) ? 'public' : 'authenticated');
  if (access === 'public') return { text: 'Public', kind: 'public' };
  if (access === 'admin') return { text: `Admin only (token or API key${predict})`, kind: 'admin' };
  return { text: `Token or API key${predict}`, kind: 'auth' };
}

function renderParameters(document: OpenApiDocument, operation: OpenApiOperation): string {
  const parameters = (operation.parameters ?? []).flatMap(
    (item) => resolve<OpenApiParameter>(document, item) ?? [],
  );
  if (parameters.length === 0) return '';
  const rows = parameters
    .map(
      (parameter) =>
        `<tr><td><code>${escapeHtml(parameter.name)}</code></td><td>${escapeHtml(parameter.in)}</td>` +
        `<td>${parameter.required === true ? 'required' : 'optional'}</td>` +
        `<td>${inline(parameter.description ?? '')}</td>` +
        `<td><code class="schema">${escapeHtml(JSON.stringify(parameter.schema ?? {}))}</code></td></tr>`,
    )
    .join('');
  return (
    '<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th></th><th>Description</th><th>Schema</th>' +
    `</tr></thead><tbody>${rows}</tbody></table>`
  );
}

function renderRequestBody(document: OpenApiDocument, operation: OpenApiOperation): string {
  const body = operation.requestBody;
  if (body === undefined) return '';
  const description = body.description === undefined ? '' : `<p>${inline(body.description)}</p>`;
  return `<h4>Request body${body.required === true ? '' : ' (optional)'}</h4>${description}${renderContent(document, body.content)}`;
}

function renderResponses(document: OpenApiDocument, operation: OpenApiOperation): string {
  const rows = Object.entries(operation.responses ?? {})
    .map(([status, item]) => {
      const response = resolve<OpenApiResponse>(document, item);
      const headers = Object.entries(response?.headers ?? {})
        .filter(([, header]) => resolve<OpenApiHeader>(document, header) !== undefined)
        .map(([name]) => `<code>${escapeHtml(name)}</code>`)
        .join(' ');
      const kind = status.startsWith('2') ? 'ok' : status.startsWith('4') ? 'client' : 'server';
      return (
        `<tr><td><span class="status status-${kind}">${escapeHtml(status)}</span></td>` +
        // Shared responses (the standard problems) link their schema instead of repeating it everywhere.
        `<td>${inline(response?.description ?? '')}${renderContent(document, response?.content, isReference(item))}</td>` +
        `<td>${headers}</td></tr>`
      );
    })
    .join('');
  return `<h4>Responses</h4><table><thead><tr><th>Status</th><th>Description</th><th>Headers</th></tr></thead><tbody>${rows}</tbody></table>`;
}

interface Entry {
  readonly method: OpenApiMethod;
  readonly path: string;
  readonly operation: OpenApiOperation;
}

function operationAnchor(entry: Entry): string {
  return `op-${entry.operation.operationId ?? `${entry.method}-${entry.path}`}`;
}

function renderOperation(document: OpenApiDocument, entry: Entry): string {
  const { method, path, operation } = entry;
  const auth = authLabel(document, operation);
  return (
    `<article class="operation" id="${escapeHtml(operationAnchor(entry))}">` +
    `<h3><span class="method method-${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> ` +
    `<code class="path">${escapeHtml(path)}</code></h3>` +
    `<p class="summary">${inline(operation.summary ?? '')}</p>` +
    `<p><span class="auth auth-${auth.kind}">${escapeHtml(auth.text)}</span> ` +
    `<span class="muted">${escapeHtml(operation.operationId ?? '')}</span></p>` +
    (operation.description === undefined ? '' : `<p>${inline(operation.description)}</p>`) +
    renderParameters(document, operation) +
    renderRequestBody(document, operation) +
    renderResponses(document, operation) +
    '</article>'
  );
}

/** Operations grouped by tag: the document's tag order first, untagged operations last. */
function groupByTag(document: OpenApiDocument): Map<string, Entry[]> {
  const groups = new Map<string, Entry[]>((document.tags ?? []).map((tag) => [tag.name, []]));
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const tag = operation.tags?.[0] ?? 'Other';
      const group = groups.get(tag) ?? [];
      group.push({ method, path, operation });
      groups.set(tag, group);
    }
  }
  for (const [tag, entries] of groups) if (entries.length === 0) groups.delete(tag);
  return groups;
}

function openApiHref(document: OpenApiDocument): string {
  const server = document.servers?.[0]?.url;
  // Only a web or root-relative URL may become a link: never `javascript:` or the like.
  if (server === undefined || !/^(https?:\/\/|\/)/i.test(server)) return OPENAPI_PATH;
  return `${server.replace(/\/+$/, '')}${OPENAPI_PATH}`;
}

function renderAuthentication(document: OpenApiDocument): string {
  const schemes = Object.entries(document.components?.securitySchemes ?? {})
    .map(([name, scheme]) => {
      const how =
        scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer'
          ? 'Authorization: Bearer <token>'
          : scheme.type === 'apiKey'
            ? `${scheme.name ?? ''}: <key> (${scheme.in ?? 'header'})`
            : scheme.type;
      return `<dt><code>${escapeHtml(name)}</code></dt><dd><code>${escapeHtml(how)}</code>. ${inline(scheme.description ?? '')}</dd>`;
    })
    .join('');
  return (
    '<section id="authentication"><h2>Authentication</h2>' +
    '<p>Operations marked <span class="auth auth-public">Public</span> need no credentials. The others take either ' +
    'credential below; <span class="auth auth-admin">Admin only</span> operations also need a caller in the admin ' +
    'group. An API key never exceeds its owner’s role, and a key with scope <code>predict</code> opens only ' +
    'operations marked “prediction-only keys accepted”.</p>' +
    `<dl>${schemes}</dl>` +
    '<p>Errors are <code>application/problem+json</code> (RFC 9457). Every response carries an ' +
    '<code>x-request-id</code> header: quote it when reporting a problem. A <code>429</code> says when to retry ' +
    'in <code>Retry-After</code>.</p></section>'
  );
}

function renderSchemas(document: OpenApiDocument): string {
  const entries = Object.entries(document.components?.schemas ?? {});
  if (entries.length === 0) return '';
  const items = entries
    .map(
      ([name, schema]) =>
        `<details id="${escapeHtml(schemaAnchor(name))}"><summary><code>${escapeHtml(name)}</code></summary>` +
        `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`,
    )
    .join('');
  return `<section id="schemas"><h2>Schemas</h2>${items}</section>`;
}

const CSS = `
:root { color-scheme: light; --fg: #1d2433; --muted: #667085; --line: #e4e7ec; --bg: #f8f9fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
header, main, nav { max-width: 70rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; }
h1 { margin: 0 0 .5rem; } h2 { border-bottom: 2px solid var(--line); padding-bottom: .25rem; margin-top: 2.5rem; }
h3 { margin: 0 0 .25rem; font-size: 1.05rem; } h4 { margin: 1rem 0 .25rem; font-size: .95rem; }
.version { font-size: .9rem; color: var(--muted); font-weight: normal; }
.description { white-space: pre-line; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
pre { background: var(--bg); border: 1px solid var(--line); padding: .75rem; overflow: auto; max-height: 30rem; }
nav ul { padding-left: 1.25rem; } nav li { margin: .1rem 0; }
.operation { border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin: 1rem 0; }
.method { display: inline-block; min-width: 4.2rem; text-align: center; border-radius: 4px; color: #fff;
  font-size: .8rem; padding: .1rem .4rem; background: #475467; }
.method-get { background: #1570ef; } .method-post { background: #079455; } .method-put { background: #b54708; }
.method-patch { background: #7a5af8; } .method-delete { background: #d92d20; }
.auth { font-size: .8rem; border-radius: 999px; padding: .1rem .6rem; background: #eef4ff; }
.auth-public { background: #ecfdf3; } .auth-admin { background: #fef3f2; }
.status { font-weight: 600; } .status-ok { color: #079455; } .status-client { color: #b54708; } .status-server { color: #d92d20; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
code.schema { word-break: break-all; }
details summary { cursor: pointer; } .media { margin: .25rem 0; }
.try-it { max-width: 70rem; margin: 0 auto; padding: 0 1.25rem; }
`;

const CSS_HASH = `'sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}'`;

/**
 * The security headers of the docs page. Scripts and stylesheets come from this origin only (the
 * console's files) plus the page's own stylesheet by its hash; images from this origin or `data:`
 * (Swagger UI's icons are data: URIs in its stylesheet); requests (the OpenAPI document and "try it")
 * to this origin only. No font, frame, form or base URL; `frame-ancestors 'none'` (which only a
 * header can carry) stops clickjacking.
 */
export const DOCS_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' ${CSS_HASH}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * The API reference as one self-contained HTML page, built from an OpenAPI document; serve it with
 * {@link DOCS_PAGE_HEADERS}.
 *
 * @example
 * const html = renderDocsPage(buildOpenApiDocument({ version: config.version }));
 * return { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html };
 */
export function renderDocsPage(document: OpenApiDocument): string {
  const title = document.info?.title ?? 'API';
  const version = document.info?.version ?? '';
  const groups = [...groupByTag(document)];
  const contents = groups
    .map(
      ([tag, entries], index) =>
        `<li><a href="#tag-${index}">${escapeHtml(tag)}</a><ul>` +
        entries
          .map(
            (entry) =>
              `<li><a href="#${escapeHtml(operationAnchor(entry))}">${escapeHtml(entry.method.toUpperCase())} ` +
              `${escapeHtml(entry.path)}</a></li>`,
          )
          .join('') +
        '</ul></li>',
    )
    .join('');
  const sections = groups
    .map(
      ([tag, entries], index) =>
        `<section id="tag-${index}"><h2>${escapeHtml(tag)}</h2>` +
        entries.map((entry) => renderOperation(document, entry)).join('') +
        '</section>',
    )
    .join('');
  const schemas = renderSchemas(document);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)} ${escapeHtml(version)}: reference</title>`,
    ...DOCS_STYLESHEETS.map((file) => `<link rel="stylesheet" href="${DOCS_ASSETS_PATH}${file}">`),
    `<style>${CSS}</style>`,
    ...DOCS_SCRIPTS.map((file) => `<script defer src="${DOCS_ASSETS_PATH}${file}"></script>`),
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(title)} <span class="version">${escapeHtml(version)}</span></h1>`,
    document.info?.description === undefined
      ? ''
      : `<p class="description">${inline(document.info.description)}</p>`,
    `<p>Machine-readable: <a href="${escapeHtml(openApiHref(document))}">the OpenAPI 3.1 document</a>.</p>`,
    '</header>',
    '<section id="try-it" class="try-it"><h2>Try it</h2>' +
      '<p>Choose <strong>Authorize</strong>, paste a token (<code>npm run token -- alice</code> locally) or an API key, ' +
      'then <strong>Try it out</strong> on an operation: requests go to this API with that credential.</p>' +
      `<div id="swagger-ui" data-openapi-url="${escapeHtml(openApiHref(document))}">` +
      '<p class="muted">The console needs JavaScript; the reference below does not.</p></div></section>',
    `<nav><h2>Contents</h2><ul><li><a href="#authentication">Authentication</a></li>${contents}` +
      `${schemas === '' ? '' : '<li><a href="#schemas">Schemas</a></li>'}</ul></nav>`,
    '<main>',
    renderAuthentication(document),
    sections,
    schemas,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
