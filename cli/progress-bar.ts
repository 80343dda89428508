/** A progress bar on stderr for long work (silent when stderr is not a terminal). */
import { SingleBar, Presets } from 'cli-progress';

/** `tokens` replaces the middle of the line (default: faces and rate) for bars that count more. */
export function createProgressBar(label: string, unit: string, tokens = `{faces} faces | {rate} ${unit}/s`): SingleBar {
  return new SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} ${unit} | ${tokens} | eta {eta}s`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
}

/** Items per second since `startMs`, for the bar's {rate} token. */
export function ratePerSecond(done: number, startMs: number): string {
  return (done / Math.max(0.001, (Date.now() - startMs) / 1000)).toFixed(1);
}
