#!/usr/bin/env bash
# Installs what Seqline needs to build, test and run: npm dependencies, nats-server,
# clickhouse-server (Debian's 18.16, the local history server for tests and benchmarks),
# promtool (checks the alert rules in ops/deploy) and chromium (the browser tests).
# Idempotent and silent when everything is already present, because npm test and
# npm start run it every time.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# The supported runtime is Node 22 (package.json engines, the image in ops/deploy);
# 20.10 is still accepted so machines that only have Node 20 can build and test.
MIN_NODE_MAJOR=20
MIN_NODE_MINOR=10

fail() {
  echo "install.sh: $*" >&2
  exit 1
}

# Node is the one thing we cannot install: Debian's nodejs package is older than we need.
check_node() {
  command -v node >/dev/null || fail "Node.js >= ${MIN_NODE_MAJOR}.${MIN_NODE_MINOR} is required; install it from https://nodejs.org or NodeSource"
  local major minor
  IFS=. read -r major minor _ < <(node -p 'process.versions.node')
  if ((major < MIN_NODE_MAJOR || (major == MIN_NODE_MAJOR && minor < MIN_NODE_MINOR))); then
    fail "Node.js >= ${MIN_NODE_MAJOR}.${MIN_NODE_MINOR} is required, found $(node --version)"
  fi
}

# npm rewrites node_modules/.package-lock.json on every install, so it is the
# freshest record of what node_modules holds.
node_modules_stale() {
  local installed=node_modules/.package-lock.json
  [[ -f $installed ]] || return 0
  [[ -f package-lock.json && package-lock.json -nt $installed ]]
}

ensure_node_modules() {
  node_modules_stale || return 0
  if [[ -f package-lock.json ]]; then
    npm ci --no-audit --no-fund
  else
    npm install --no-audit --no-fund
  fi
  # npm may write the lockfile after its hidden copy; without this the next run would reinstall.
  touch node_modules/.package-lock.json
}

nats_server_present() {
  command -v nats-server >/dev/null || [[ -x /usr/sbin/nats-server ]]
}

# Debian's package (18.16) puts the server at /usr/sbin/clickhouse-server, often off a
# non-root PATH; upstream builds ship one multi-call /usr/bin/clickhouse instead.
clickhouse_server_present() {
  command -v clickhouse-server >/dev/null || [[ -x /usr/sbin/clickhouse-server || -x /usr/bin/clickhouse ]]
}

promtool_present() {
  command -v promtool >/dev/null
}

# playwright-core drives Debian's chromium for the browser tests (its own browser downloads are not reachable here).
chromium_present() {
  [[ -x /usr/bin/chromium ]]
}

APT_UPDATED=0

# Installs a Debian package as root when `present` finds it missing; `hint` says how to get it otherwise.
ensure_package() {
  local package=$1 present=$2 hint=$3
  "$present" && return 0
  ((EUID == 0)) || fail "$package is missing; install it as root with: apt-get install -y $package (Debian/Ubuntu), or $hint"
  command -v apt-get >/dev/null || fail "$package is missing and apt-get is not available; $hint"
  echo "install.sh: installing $package with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ((APT_UPDATED == 0)); then
    apt-get update -qq
    APT_UPDATED=1
  fi
  apt-get install -y -qq "$package" >/dev/null
  "$present" || fail "apt-get installed $package, but it is not where Seqline looks for it; $hint"
}

check_node
ensure_node_modules
ensure_package nats-server nats_server_present "put a nats-server binary from https://github.com/nats-io/nats-server/releases on PATH"
# Running Seqline needs no ClickHouse server (the history defaults to embedded
# chDB); the tests and benchmarks start real ones. The package's own service is
# not used: Seqline's launcher runs its own server per data directory.
[[ ${1:-} == --run ]] || ensure_package clickhouse-server clickhouse_server_present "put a clickhouse-server binary on PATH"
# The tests check the alert rules and dashboard in ops/deploy with promtool (Debian's prometheus package).
[[ ${1:-} == --run ]] || ensure_package prometheus promtool_present "put a promtool binary (from a Prometheus release) on PATH"
[[ ${1:-} == --run ]] || ensure_package chromium chromium_present "install Chromium so that /usr/bin/chromium runs it"
