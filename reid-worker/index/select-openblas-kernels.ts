/**
 * Tells OpenBLAS which kernels this CPU runs, before faiss-node loads it: import this module
 * ahead of 'faiss-node' (modules run in import order). Debian 12's OpenBLAS
 * (0.3.21) does not recognise recent Xeons (e.g. family 6 model 207) and falls back to its
 * "Prescott" SSE3 kernels: sgemm — k-means, list assignment, exact search — ran ~20 GFlop/s
 * instead of ~80 on the development machine. OpenBLAS reads the choice once, when it loads. An
 * OPENBLAS_CORETYPE already set wins; a CPU without AVX2 keeps OpenBLAS's own detection.
 */
import { readFileSync } from 'node:fs';

function openBlasCoreType(): string | undefined {
  let cpuinfo: string;
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return undefined; // not Linux: OpenBLAS's own detection
  }
  const flags = new Set(/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1].trim().split(/\s+/) ?? []);
  if (['avx512f', 'avx512bw', 'avx512dq', 'avx512vl', 'avx512cd'].every((f) => flags.has(f))) return 'SkylakeX';
  if (['avx2', 'fma'].every((f) => flags.has(f))) return 'Haswell';
  return undefined;
}

const coreType = openBlasCoreType();
// A native library's start-up setting, not Revisit configuration: hence not in common/config.ts.
if (coreType && !process.env.OPENBLAS_CORETYPE) process.env.OPENBLAS_CORETYPE = coreType;
