#!/usr/bin/env bash
# Install the explorer page's front-end libraries from the npm registry (exact versions from
# package-lock.json) and copy their browser builds into app/static/vendor/, which the app serves.
# Nothing is fetched at run time: the page works offline once this has run. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  echo "build-frontend: npm is not installed (install Node.js 18+ with npm, then rerun 'make install')" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
vendor=app/static/vendor
mkdir -p "$vendor"
# ES-module builds (no bare imports inside: the page loads them with plain <script type=module>).
# Renamed to .js so every server sends them with a JavaScript MIME type.
cp node_modules/cytoscape/dist/cytoscape.esm.min.mjs "$vendor/cytoscape.esm.min.js"
cp node_modules/cytoscape-dagre/dist/cytoscape-dagre.min.mjs "$vendor/cytoscape-dagre.esm.min.js"
cp node_modules/cytoscape-dagre/dist/cytoscape-dagre.min.mjs.map "$vendor/"  # named by its sourceMappingURL
cp node_modules/cytoscape/LICENSE "$vendor/LICENSE.cytoscape"
cp node_modules/cytoscape-dagre/LICENSE "$vendor/LICENSE.cytoscape-dagre"
echo "build-frontend: copied cytoscape $(node -p "require('./node_modules/cytoscape/package.json').version") and cytoscape-dagre $(node -p "require('./node_modules/cytoscape-dagre/package.json').version") into $vendor"
