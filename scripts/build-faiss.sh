#!/usr/bin/env bash
# Builds faiss-node's addon against Debian's libfaiss: its own install script needs GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."
out=node_modules/faiss-node/build/Release/faiss-node.node
src=node_modules/faiss-node/src/faiss.cc
if [ -f "$out" ] && [ "$out" -nt "$src" ]; then exit 0; fi
work=node_modules/.cache/faiss-build
rm -rf "$work" && mkdir -p "$work"
cp scripts/faiss/binding.gyp "$src" "$work/"
export FAISS_COMPAT_HEADER="$PWD/scripts/faiss/faiss-compat.h"
export NODE_ADDON_API_DIR="$(node -p "require('node-addon-api').include_dir.replace(/\"/g, '')" | xargs realpath)"
(cd "$work" && "$OLDPWD/node_modules/.bin/node-gyp" rebuild --nodedir=/usr --loglevel=error >build.log 2>&1) || { cat "$work/build.log"; exit 1; }
mkdir -p "$(dirname "$out")"
cp "$work/build/Release/faiss-node.node" "$out"
# A bad link (missing BLAS) only shows on the first batched search: fail set-up, not production.
OMP_NUM_THREADS=1 node -e "
const { IndexFlatIP } = require('faiss-node');
const d = 16, n = 64, ix = new IndexFlatIP(d);
ix.add(Array.from({ length: n * d }, () => Math.random()));
const r = ix.search(Array.from({ length: 32 * d }, () => Math.random()), 3);
if (r.labels.length !== 96) throw new Error('faiss smoke test failed');
"
echo "faiss-node built against Debian libfaiss"
