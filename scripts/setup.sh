#!/usr/bin/env bash
# Installs what Revisit needs on a fresh Debian 12 machine; quick when everything is already there.
#   scripts/setup.sh          Debian packages, npm dependencies, faiss-node addon, ONNX models
#   scripts/setup.sh --test   the same, plus what the tests need (Kafka broker jars, compose validator,
#                             poppler, Chromium for the dashboard test, clickhouse-connect and the ClickHouse
#                             JDBC driver as BI clients)
set -euo pipefail
cd "$(dirname "$0")/.."
with_test=false
[ "${1:-}" = "--test" ] && with_test=true

say() { printf '[setup] %s\n' "$*" >&2; }

packages=(libfaiss-dev libopenblas0-pthread redis-server ffmpeg fonts-dejavu-core patch)
$with_test && packages+=(docker-compose poppler-utils chromium maven openjdk-17-jdk-headless)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Install scripts are skipped: faiss-node's and onnxruntime-node's download from GitHub/NuGet.
# onnxruntime-node's CPU binaries, sharp's libvips and chdb's engine come inside npm packages.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.revisit-lock-sha256 2>/dev/null)" != "$lock_sum" ]; then
  say "installing npm dependencies"
  # `npm install`, not `npm ci`: chdb lists optional engines for other platforms that the registry
  # does not serve, so the lock file cannot name them and `npm ci` refuses it as out of sync.
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.revisit-lock-sha256
fi

bash scripts/build-faiss.sh
node --import tsx models/fetch-models.ts >/dev/null

if $with_test; then
  bash scripts/fetch-maven-jars.sh kafka
  bash scripts/fetch-maven-jars.sh jdbc
  # A ClickHouse client that is not @clickhouse/client, for the BI endpoint test.
  # (a Debian-managed Python refuses plain pip installs: PEP 668)
  python3 -c 'import clickhouse_connect' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check clickhouse-connect \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages clickhouse-connect
fi
say "ready"
