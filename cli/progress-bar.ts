/** A progress bar on stderr for long work; when stderr is not a terminal (a log, CI), the same line every few seconds instead. */
import { SingleBar, Presets } from 'cli-progress';

/** `tokens` replaces the middle of the line (default: faces and rate) for bars that count more. */
export function createProgressBar(label: string, unit: string, tokens = `{faces} faces | {rate} ${unit}/s`): SingleBar {
  return new SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} ${unit} | ${tokens} | eta {eta}s`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      // Redirected output gets a plain progress line every 5 s rather than nothing at all.
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    Presets.shades_classic,
  );
}

/** Items per second since `startMs`, for the bar's {rate} token. */
export function ratePerSecond(done: number, startMs: number): string {
  return (done / Math.max(0.001, (Date.now() - startMs) / 1000)).toFixed(1);
}
