/** CPU time of the benchmark process and its children (the ffmpeg decoders), from /proc. */
import { readFileSync } from 'node:fs';

/**
 * CPU seconds of this process (all its threads) and of its finished children (the ffmpeg
 * decoder), from /proc/self/stat's utime + stime and cutime + cstime: "per core" must count the
 * decoder too.
 */
export function cpuSeconds(): { self: number; children: number } {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // Fields 14–17 of proc(5), counted from the state field (3).
  const sum = (from: number) => (Number(fields[from]) + Number(fields[from + 1])) / 100;
  return { self: sum(11), children: sum(13) };
}

/** CPU seconds since `start` (a cpuSeconds reading): own, children's and both. */
export function cpuSince(start: { self: number; children: number }): { self: number; children: number; total: number } {
  const now = cpuSeconds();
  const self = now.self - start.self;
  const children = now.children - start.children;
  return { self, children, total: self + children };
}
