/** `revisit eval store`: a simulated store with known truth through the real pipeline; prints the reports' errors. */
import { Command, InvalidArgumentError } from 'commander';
import { STORE_SMALL_FACES } from '../../simulator/plan-small-faces.ts';
import { runStoreSimulation } from '../../simulator/run-store-simulation.ts';
import type { StoreEvalResult } from '../../simulator/score-store-reports.ts';
import { createProgressBar, ratePerSecond } from '../progress-bar.ts';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)} %`;
}

function printTable(r: StoreEvalResult): void {
  const rows: Array<[string, string | number, string | number]> = [
    ['unique visitors', r.unique_visitors_true, r.unique_visitors_reported],
    ['visits', r.visits_true, `${r.visits_reported} (${r.visits_unidentified_reported} seen, not identified; ${pct(r.visits_reported / r.visits_true - 1)} off)`],
    ['returning rate', r.returning_rate_true, `${r.returning_rate_reported} (rests on the ${Math.round(100 * r.identified_share_reported)} % of visits identified)`],
    ['median dwell (s)', r.dwell_median_true_s, r.dwell_median_reported_s],
    ['top path', r.top_path_true, r.top_path_reported],
  ];
  console.log(`${'figure'.padEnd(18)} ${'true'.padEnd(36)} reported`);
  for (const [name, truth, got] of rows) console.log(`${name.padEnd(18)} ${String(truth).padEnd(36)} ${got}`);
  console.log(`footfall per hour: mean absolute error ${r.footfall_hourly_mae} visits`);
}

export function evalStoreCommand(): Command {
  return new Command('store')
    .description(
      'Simulate a store (entrance, zones, checkout; visitors who return, passers-by, enrolled staff; the entrance and checkout see some faces too small to identify) with synthetic embeddings ' +
        'that follow the real model’s similarity spread, run it through bus → re-id worker → ClickHouse on the embedded defaults ' +
        'in a temporary directory, and compare the reports with the truth',
    )
    .option('--visitors <n>', 'people in the simulated population', integer('--visitors', 1, 100_000), 200)
    .option('--days <n>', 'simulated days', integer('--days', 1, 366), 7)
    .option('--seed <n>', 'random seed (same seed, same store)', integer('--seed', 0, 2 ** 31 - 1), 1)
    .option('--staff <n>', 'staff enrolled as an exclusion group', integer('--staff', 0, 100), 2)
    .option('--perfect', 'one exact embedding per person (perfect re-identification): every error must be 0')
    .option('--json', 'print one JSON object instead of a table')
    .action(async (opts: { visitors: number; days: number; seed: number; staff: number; perfect?: boolean; json?: boolean }) => {
      const bar = createProgressBar('sightings', 'sightings');
      const started = Date.now();
      let barStarted = false;
      const { result } = await runStoreSimulation({
        visitors: opts.visitors,
        days: opts.days,
        seed: opts.seed,
        staff: opts.staff,
        mode: opts.perfect ? 'perfect' : 'realistic',
        // Perfect re-identification sees every face well; the realistic store has cameras that see some too small.
        smallFaces: opts.perfect ? {} : STORE_SMALL_FACES,
        onProgress: (done, total) => {
          if (!barStarted) bar.start(total, 0, { faces: 0, rate: '0' }), (barStarted = true);
          bar.update(done, { faces: done, rate: ratePerSecond(done, started) });
        },
      }).finally(() => barStarted && bar.stop());
      if (opts.json) console.log(JSON.stringify(result));
      else printTable(result);
    });
}
