#!/usr/bin/env bash
# Runs every *.test.ts (unit tests beside the code, test/integration, test/e2e) with node:test.
# The real Kafka broker and redis-server are started once for the run by the harness.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1
mapfile -t files < <(find . -path ./node_modules -prune -o -name '*.test.ts' -print | sed 's|^\./||' | sort)
if [ "$#" -gt 0 ]; then files=("$@"); fi
exec node --import tsx test/harness/with-services.ts node --import tsx --test --test-concurrency=1 "${files[@]}"
