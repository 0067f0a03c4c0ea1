#!/usr/bin/env bash
# Fetches the dashboard's browser assets from the npm registry at the exact versions of package-lock.json
# (npm ci into a temporary folder, no install scripts) and copies the files we serve into
# credit_web/static/vendor/ (git-ignored). Does nothing when the vendor folder matches the lockfile.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vendor="$here/credit_web/static/vendor"
stamp="$vendor/.lock-sha256"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm is needed once to fetch the dashboard's browser assets (htmx, vega, ...)" >&2
  exit 1
fi
echo "→ fetching the dashboard's browser assets (npm ci, pinned versions)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
modules="$work/node_modules"
rm -rf "$vendor.new"
mkdir -p "$vendor.new"
# name served under /static/vendor/   ←   file in the npm package
cp "$modules/htmx.org/dist/htmx.min.js"            "$vendor.new/htmx.min.js"
cp "$modules/vega/build/vega.min.js"               "$vendor.new/vega.min.js"
cp "$modules/vega-lite/build/vega-lite.min.js"     "$vendor.new/vega-lite.min.js"
# vega-embed's build bundles vega-interpreter: with `ast: true` charts run without eval (strict CSP).
cp "$modules/vega-embed/build/vega-embed.min.js"   "$vendor.new/vega-embed.min.js"
cp "$modules/axe-core/axe.min.js"                  "$vendor.new/axe.min.js"
for package in htmx.org vega vega-lite vega-embed vega-interpreter axe-core; do
  version="$(node -p "require('$modules/$package/package.json').version" 2>/dev/null || echo unknown)"
  echo "$package $version" >> "$vendor.new/VERSIONS"
done
echo "$want" > "$vendor.new/.lock-sha256"
rm -rf "$vendor"
mv "$vendor.new" "$vendor"
echo "  browser assets in ${vendor#"$PWD"/}"
