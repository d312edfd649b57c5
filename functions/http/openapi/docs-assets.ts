/**
 * The files the docs console loads (Swagger UI's bundle and stylesheet, and the script that starts
 * it), read once per container into a fixed allow-list keyed by file name. A request names a key;
 * nothing from it ever becomes a file path, so no path can reach another file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface DocsAsset {
  readonly contentType: string;
  readonly text: string;
}

/**
 * Starts Swagger UI on the page's `#swagger-ui` element, with the document URL the page gives in
 * `data-openapi-url`. A file of its own because the policy allows no inline script. The validator
 * badge is off: it would load an image from validator.swagger.io.
 */
const INIT_SCRIPT = `"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle !== "function") return;
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url") || "/v1/openapi.json",
    domNode: root,
    deepLinking: false,
    validatorUrl: null,
    tryItOutEnabled: false,
    persistAuthorization: false,
    displayRequestDuration: true
  });
})();
`;

// Not named `require`: the Lambda bundle's banner already declares one at the top level.
const resolvePackageFile = createRequire(import.meta.url);

function packageFile(specifier: string): string {
  return readFileSync(resolvePackageFile.resolve(specifier), 'utf8');
}

function loadAssets(): ReadonlyMap<string, DocsAsset> {
  return new Map([
    [
      'swagger-ui-bundle.js',
      {
        contentType: 'text/javascript; charset=utf-8',
        text: packageFile('swagger-ui-dist/swagger-ui-bundle.js'),
      },
    ],
    [
      'swagger-ui.css',
      { contentType: 'text/css; charset=utf-8', text: packageFile('swagger-ui-dist/swagger-ui.css') },
    ],
    ['docs-init.js', { contentType: 'text/javascript; charset=utf-8', text: INIT_SCRIPT }],
  ]);
}

let assets: ReadonlyMap<string, DocsAsset> | undefined;

/** The asset of that name, or undefined when the allow-list has none. */
export function docsAsset(name: string): DocsAsset | undefined {
  assets ??= loadAssets();
  return assets.get(name);
}
