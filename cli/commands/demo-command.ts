/** `revisit demo`: runs the simulated store end to end and serves the API. */
import { Command } from 'commander';
import { runDemo } from '../demo/run-demo.ts';

export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'Simulate two days of a 3-camera store with real face photos through the whole pipeline, and four weeks of two more stores (embedded defaults; every store labelled simulated)',
    )
    .option('--seed <n>', 'random seed of the simulation', (v) => Number(v), 7)
    .option('--port <port>', 'API port (default: REVISIT_API_PORT, else 8080)', (v) => Number(v))
    .option(
      '--data-dir <dir>',
      'data directory (default: REVISIT_DATA_DIR, else data); the demo keeps its data in demo/ under it, wiped at start',
    )
    .option('--no-serve', 'exit when the report is printed instead of serving the API')
    .action(async (opts: { seed: number; port?: number; dataDir?: string; serve: boolean }) => {
      await runDemo(opts);
    });
}
