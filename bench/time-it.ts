/** Wall-clock timing for the benchmarks. */
/** Runs `fn` and returns its wall time in seconds. */
export async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}
