#!/usr/bin/env bash
# Makes a fresh machine ready to build, run and test Parley: pnpm, dependencies, redis-server,
# and the Go, sprig and Prometheus packages of the deployment checks.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "Parley needs Node.js 20 or newer (found $(node --version))." >&2
  exit 1
fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "Installing pnpm $PNPM_VERSION with npm..."
  npm install --global --silent "pnpm@$PNPM_VERSION"
fi

# The local stack and the tests start their own redis-server when REDIS_URL does not answer.
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing redis-server from Debian packages..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "warning: redis-server not found; install it (Debian: apt-get install redis-server) or set REDIS_URL." >&2
  fi
fi

# The deployment checks (deploy/) render the Helm chart with Debian's Go and sprig, and run a real
# Prometheus (promtool too). Each package is installed only when it is missing.
deploy_packages=()
command -v go >/dev/null 2>&1 || deploy_packages+=(golang-go)
[ -d /usr/share/gocode/src/github.com/Masterminds/sprig ] || deploy_packages+=(golang-github-masterminds-sprig-dev)
[ -d /usr/share/gocode/src/gopkg.in/yaml.v3 ] || deploy_packages+=(golang-gopkg-yaml.v3-dev)
{ command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || deploy_packages+=(prometheus)
if [ "${#deploy_packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${deploy_packages[*]} from Debian packages..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${deploy_packages[@]}" >/dev/null
  else
    echo "warning: the deployment checks need ${deploy_packages[*]} (Debian: apt-get install ${deploy_packages[*]})." >&2
  fi
fi

pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -vE '^(Progress|Packages:)' || true
test -d node_modules/.pnpm || { echo "pnpm install failed" >&2; exit 1; }
