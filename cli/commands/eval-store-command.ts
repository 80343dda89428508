/** `revisit eval store`: a simulated store with known truth through the real pipeline (or the engine alone); prints the reports' errors and their error bars. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../../common/config.ts';
import { matchPolicyFromConfig } from '../../reid-worker/match/match-policy.ts';
import { visitRulesFor } from '../../storage/visit-model/visit-rules.ts';
import { measureIntervalCoverage } from '../../simulator/measure-interval-coverage.ts';
import type { StoreLayout } from '../../simulator/plan-store-days.ts';
import {
  replayStorePlanThroughEngine,
  type EngineReplayOptions,
  type EngineReplayResult,
} from '../../simulator/replay-store-plan.ts';
import { STORE_SMALL_FACES } from '../../simulator/plan-small-faces.ts';
import { runStoreSimulation } from '../../simulator/run-store-simulation.ts';
import { showPaths, topPathTrueGap, type StoreEvalResult } from '../../simulator/score-store-reports.ts';
import { estimateCountIntervals } from '../../reports/intervals/estimate-count-intervals.ts';
import { createProgressBar, ratePerSecond } from '../progress-bar.ts';

interface EvalStoreOptions {
  visitors: number;
  days: number;
  seed: number;
  staff: number;
  layout: StoreLayout;
  perfect?: boolean;
  engineOnly?: boolean;
  /** commander's `--no-pairing-embeddings`: false when given. */
  pairingEmbeddings: boolean;
  coverageSeeds: number;
  json?: boolean;
}

type EvalResult = Omit<StoreEvalResult, 'footfall_hourly_mae'> & {
  footfall_hourly_mae: number | null;
  seconds: number;
  calibration?: EngineReplayResult['calibration'];
  /** Engine only: the index the run ended with and the identities it held. */
  index?: EngineReplayResult['index'];
};

/**
 * A reported top path whose true visits are within this share of the true top path's is a
 * near-tie: the acceptance lets visit counts be 1 % off, so it cannot demand the order of two
 * paths closer than that (the layouts' zones are alike, see docs/calibration.md).
 */
const NEAR_TIE = 0.01;

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)} %`;
}

function printTable(r: EvalResult): void {
  const rows: Array<[string, string | number, string | number]> = [
    ['unique visitors', r.unique_visitors_true, r.unique_visitors_reported],
    [
      'visits',
      r.visits_true,
      `${r.visits_reported} (${r.visits_unidentified_reported} seen, not identified; ${pct(r.visits_reported / r.visits_true - 1)} off)`,
    ],
    [
      'returning rate',
      r.returning_rate_true,
      `${r.returning_rate_reported} (rests on the ${Math.round(100 * r.identified_share_reported)} % of visits identified)`,
    ],
    ['median dwell (s)', r.dwell_median_true_s, r.dwell_median_reported_s],
    ...r.top_paths_true.map((truth, i): [string, string, string] => {
      const got = r.top_paths_reported[i];
      return [
        i === 0 ? 'top paths (visits)' : '',
        `${truth.path} (${truth.visits})`,
        got ? `${got.path} (${got.visits})` : '–',
      ];
    }),
  ];
  console.log(`${'figure'.padEnd(18)} ${'true'.padEnd(36)} reported`);
  for (const [name, truth, got] of rows) console.log(`${name.padEnd(18)} ${String(truth).padEnd(36)} ${got}`);
  if (r.top_path_true_gap > 0)
    console.log(
      `in the truth the reported top path has ${(100 * r.top_path_true_gap).toFixed(2)} % fewer visits than the true one: ${r.top_path_true_gap <= NEAR_TIE ? `a near-tie (within ${100 * NEAR_TIE} %)` : 'another path'}`,
    );
  if (r.footfall_hourly_mae !== null)
    console.log(`footfall per hour: mean absolute error ${r.footfall_hourly_mae} visits`);
  const c = r.calibration;
  if (c)
    console.log(
      `false-match rate at ${c.threshold}: estimated without labels ${c.estimatedFmr?.toExponential(2) ?? '–'}, true ${c.trueFmr.toExponential(2)}\n` +
        `new identities that were missed returns when minted: estimated without labels ${c.split.missedAtMinting === null ? '–' : `${((100 * c.split.missedAtMinting) / c.split.newIdentities).toFixed(2)} %`} of ${c.split.newIdentities}, true ${(100 * c.trueSplitShare).toFixed(2)} %; ` +
        `less the ${c.split.reclusterMerges} re-clustering merges ${c.split.splitShare === null ? '–' : `${(100 * c.split.splitShare).toFixed(2)} %`}\n` +
        `first sightings joined to an earlier identity: estimated without labels ${c.merge.merged?.toFixed(1) ?? '–'}` +
        `${c.merge.mergedRange ? ` (${c.merge.mergedRange[0].toFixed(1)}–${c.merge.mergedRange[1].toFixed(1)})` : ''}, true ${c.trueMerged}`,
    );
  if (r.index)
    console.log(
      `index at the end: ${r.index.size} identities, ${r.index.nlist === 1 ? 'exact' : `${r.index.nlist} lists, ${r.index.nprobe} probed`} (${r.index.codec})`,
    );
  console.log(`ran in ${r.seconds.toFixed(1)} s`);
}

/** The simulated site as the engine-only replay and the coverage runs see it: the configured policy and visit rules. */
function engineOptions(opts: EvalStoreOptions): Omit<EngineReplayOptions, 'seed'> {
  const site = { id: 'sim-store', name: 'Simulated store', tenant: 'sim', timezone: 'Europe/Berlin' };
  const config = loadConfig({ sites: [site] }, {});
  return {
    layout: opts.layout,
    visitors: opts.visitors,
    days: opts.days,
    staff: opts.staff,
    policy: matchPolicyFromConfig(config.matching),
    rules: visitRulesFor(config, site.id),
    exclusionMinCosine: config.privacy.exclusionMinCosine,
  };
}

async function runOnce(opts: EvalStoreOptions, onProgress: (done: number, total: number) => void): Promise<EvalResult> {
  const started = Date.now();
  if (opts.engineOnly) {
    const { truth, reported, calibration, index } = await replayStorePlanThroughEngine({
      ...engineOptions(opts),
      seed: opts.seed,
      onProgress,
    });
    const round = (x: number) => Number(x.toFixed(4));
    return {
      unique_visitors_true: truth.visitors,
      unique_visitors_reported: reported.visitors,
      visits_true: truth.visits,
      visits_reported: reported.visits,
      // The engine replay has no small faces: every visit is identified.
      visits_unidentified_reported: 0,
      identified_share_reported: 1,
      returning_rate_true: round(truth.returningRate),
      returning_rate_reported: round(reported.returningRate),
      dwell_median_true_s: truth.dwellMedianS,
      dwell_median_reported_s: reported.dwellMedianS,
      top_path_true: truth.topPath.join(' > '),
      top_path_reported: reported.topPath.join(' > '),
      top_paths_true: showPaths(truth.paths),
      top_paths_reported: showPaths(reported.paths),
      top_path_true_gap: topPathTrueGap(truth.paths, reported.topPath),
      footfall_hourly_mae: null,
      seconds: (Date.now() - started) / 1000,
      calibration,
      index,
    };
  }
  const { result } = await runStoreSimulation({
    layout: opts.layout,
    visitors: opts.visitors,
    days: opts.days,
    seed: opts.seed,
    staff: opts.staff,
    mode: opts.perfect ? 'perfect' : 'realistic',
    // Perfect re-identification sees every face well; the realistic store has cameras that see some too small.
    smallFaces: opts.perfect ? {} : STORE_SMALL_FACES,
    pairingEmbeddings: opts.pairingEmbeddings,
    onProgress,
  });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

export function evalStoreCommand(): Command {
  return new Command('store')
    .description(
      'Simulate a store (entrance, zones, checkout; visitors who return, passers-by, enrolled staff) with synthetic embeddings ' +
        'that follow the real model’s similarity spread on lfw_dev (its impostor tail included; the entrance and checkout see some faces too small to identify), run it through bus → re-id worker → ' +
        'ClickHouse on the embedded defaults in a temporary directory (or through the matching engine alone), and compare the reports with the truth',
    )
    .option('--visitors <n>', 'people in the simulated population', integer('--visitors', 1, 200_000), 200)
    .option('--days <n>', 'simulated days', integer('--days', 1, 366), 7)
    .option('--seed <n>', 'random seed (same seed, same store)', integer('--seed', 0, 2 ** 31 - 1), 1)
    .option('--staff <n>', 'staff enrolled as an exclusion group', integer('--staff', 0, 100), 2)
    .addOption(
      new Option(
        '--layout <layout>',
        'store: entrance, zones, checkout (~5.7 sightings a visit); mall: entrance and corridors (3.5)',
      )
        .choices(['store', 'mall'])
        .default('store'),
    )
    .option('--perfect', 'one exact embedding per person (perfect re-identification): every error must be 0')
    .option(
      '--engine-only',
      "the worker's matching engine and visit rules without bus, registry and ClickHouse (fast enough for a mall-sized month)",
    )
    .option(
      '--no-pairing-embeddings',
      "the too-small faces carry no weak embedding (capture's quality.pairingEmbeddings off): their tracks join visits by time alone",
    )
    .option(
      '--coverage-seeds <n>',
      'also measure the error bars: rates from 5 other stores, then how often the 90 % interval holds the truth over seeds 1..n (engine only)',
      integer('--coverage-seeds', 0, 100),
      0,
    )
    .option('--json', 'print one JSON object instead of a table')
    .action(async (opts: EvalStoreOptions) => {
      if (opts.perfect && opts.engineOnly)
        throw new InvalidArgumentError('--perfect runs the whole pipeline; drop --engine-only');
      // On stderr, --json too: a mall-sized month runs for an hour, its memory is part of what it measures.
      const bar = createProgressBar('sightings', 'sightings', '{rate} sightings/s | rss {rss} MB');
      const started = Date.now();
      let barStarted = false;
      const rss = () => Math.round(process.memoryUsage.rss() / 2 ** 20);
      const result = await runOnce(opts, (done, total) => {
        if (!barStarted) bar.start(total, 0, { rate: '0', rss: rss() }), (barStarted = true);
        bar.update(done, { rate: ratePerSecond(done, started), rss: rss() });
      }).finally(() => barStarted && bar.stop());
      if (opts.coverageSeeds === 0) {
        if (opts.json) console.log(JSON.stringify(result));
        else printTable(result);
        return;
      }
      const { rates, coverage } = await measureIntervalCoverage(
        engineOptions(opts),
        opts.coverageSeeds,
        (done, total) => !opts.json && console.error(`coverage run ${done}/${total}`),
      );
      const intervals = estimateCountIntervals(
        {
          visitors: result.unique_visitors_reported,
          visits: result.visits_reported,
          returningVisits: Math.round(result.returning_rate_reported * result.visits_reported),
        },
        rates,
      );
      if (opts.json) {
        console.log(JSON.stringify({ ...result, intervals, error_rates: rates, interval_coverage: coverage }));
        return;
      }
      printTable(result);
      const show = (name: string, i: { low: number; high: number }, digits = 0) =>
        console.log(`${name.padEnd(18)} 90 % interval ${i.low.toFixed(digits)} … ${i.high.toFixed(digits)}`);
      show('unique visitors', intervals.visitors);
      show('visits', intervals.visits);
      show('returning rate', intervals.returningRate, 4);
      console.log(
        `interval coverage over seeds 1..${coverage.seeds}: visitors ${coverage.visitors}, visits ${coverage.visits}, returning rate ${coverage.returning_rate} (nominal ${coverage.confidence})`,
      );
    });
}
