/** `revisit demo`: runs the simulated store end to end and serves the API. */
import { Command } from 'commander';
import { runDemo } from '../demo/run-demo.ts';

export function demoCommand(): Command {
  return new Command('demo')
    .description('Simulate two days of a 3-camera store with real face photos through the whole pipeline (embedded defaults)')
    .option('--seed <n>', 'random seed of the simulation', (v) => Number(v), 7)
    .option('--port <port>', 'API port', (v) => Number(v), 8080)
    .option('--data-dir <dir>', 'where the demo keeps its data (wiped at start)', 'data/demo')
    .option('--no-serve', 'exit when the report is printed instead of serving the API')
    .action(async (opts: { seed: number; port: number; dataDir: string; serve: boolean }) => {
      await runDemo(opts);
    });
}
