#!/usr/bin/env bash
# Everything a fresh machine needs before the first run: pnpm at the pinned version, then the workspace's
# dependencies from the lockfile (the `prepare` script builds every package).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  npm install --global "pnpm@$PNPM_VERSION"
fi

# better-sqlite3 compiles its addon when no prebuilt binary can be downloaded; point node-gyp at the headers
# that Debian's nodejs ships, when they are there, instead of letting it download them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
pnpm install --frozen-lockfile

# The signed-artefact fixtures are made by real tools: osslsigncode signs, gcab writes cabinets, python3 zips.
missing=()
for tool in osslsigncode gcab python3; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}"
  else
    echo "install.sh: the tests' fixture tools are missing (${missing[*]}); install them (Debian: apt-get install ${missing[*]}) before pnpm test" >&2
  fi
fi
