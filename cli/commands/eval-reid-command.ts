/** `revisit eval reid`: re-identification quality on a labelled face folder, through the real pipeline and engine. */
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../../common/config.ts';
import { FacePipeline } from '../../ingest/face/index.ts';
import { comparePolicies, policyVariants } from '../../reid-worker/eval/compare-policies.ts';
import { embedLabelledFolder, type LabelledFaces } from '../../reid-worker/eval/embed-labelled-folder.ts';
import { meanScores, type ClusteringScores } from '../../reid-worker/eval/measure-clustering.ts';
import { EXACT_INDEX, replaySightings } from '../../reid-worker/eval/replay-sightings.ts';
import { DEFAULT_SITE_INDEX, type SiteIndexOptions } from '../../reid-worker/site-state.ts';
import { matchPolicyFromConfig, naivePolicy, resolvePolicy } from '../../reid-worker/match/match-policy.ts';
import { selectPeople } from '../../reid-worker/eval/select-people.ts';
import { validateLiveCalibration } from '../../reid-worker/eval/validate-live-calibration.ts';
import { printTable } from '../../common/print-table.ts';
import { checkReplayIntervals, type ReplayIntervalCheck } from './check-replay-intervals.ts';

/** Share of seeds whose interval holds the truth, with each seed's check. */
function replayCoverage(checks: ReplayIntervalCheck[]) {
  const share = (pick: (c: ReplayIntervalCheck) => boolean) => checks.filter(pick).length / checks.length;
  return {
    seeds: checks.length,
    confidence: 0.9,
    visitors: share((c) => c.visitors.covered),
    returning_rate: share((c) => c.returningRate.covered),
    runs: checks,
  };
}
import { createProgressBar, ratePerSecond } from '../progress-bar.ts';

interface EvalReidOptions {
  faces: string;
  seed: number;
  json?: boolean;
  threshold?: number;
  naive?: boolean;
  compare?: boolean;
  ablation?: boolean;
  people?: number[];
  calibration?: boolean;
  index: IndexChoice;
}

/** `worker`: what the worker runs (int8 codes; an exact scan below 10k identities, an inverted file above); `exact`: float32 exact search, the reference. */
const INDEXES = { worker: DEFAULT_SITE_INDEX, exact: EXACT_INDEX } satisfies Record<string, SiteIndexOptions>;
type IndexChoice = keyof typeof INDEXES;

function parseIndex(value: string): IndexChoice {
  if (!(value in INDEXES)) throw new InvalidArgumentError(`expected one of ${Object.keys(INDEXES).join(', ')}`);
  return value as IndexChoice;
}

/** Seeds averaged by --ablation: one order can flatter or punish a rule by luck. */
const ABLATION_SEEDS = 5;

export function parseNumber(min: number, max: number, integer = false) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`expected ${integer ? 'an integer' : 'a number'} within ${min}..${max}`);
    }
    return n;
  };
}

function peopleList(value: string): number[] {
  const sizes = value.split(',').map((v) => Number(v.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 2 || n > 1_000_000))
    throw new InvalidArgumentError('expected people counts like 100,300,900');
  return sizes;
}

/** Embeds every labelled image with a progress bar on stderr (`withOthers`: also the photos' other faces). */
export async function embedWithProgress(dir: string, withOthers = false): Promise<LabelledFaces> {
  const pipeline = await FacePipeline.load();
  const bar = createProgressBar('embed', 'images');
  const started = Date.now();
  let begun = false;
  try {
    return await embedLabelledFolder(
      pipeline,
      dir,
      (done, total, faces) => {
        if (!begun) bar.start(total, 0, { faces: 0, rate: '0' });
        begun = true;
        bar.update(done, { faces, rate: ratePerSecond(done, started) });
      },
      withOthers,
    );
  } finally {
    bar.stop();
    await pipeline.close();
  }
}

function percent(x: number): string {
  return `${(100 * x).toFixed(2)} %`;
}

function printScores(title: string, s: ClusteringScores): void {
  console.log(title);
  console.log(`  identities        true ${s.true_ids}, created ${s.created_ids}`);
  console.log(
    `  pairwise          precision ${percent(s.pairwise_precision)}, recall ${percent(s.pairwise_recall)}, F1 ${percent(s.pairwise_f1)}`,
  );
  console.log(
    `  BCubed            precision ${percent(s.bcubed_precision)}, recall ${percent(s.bcubed_recall)}, F1 ${percent(s.bcubed_f1)}`,
  );
  console.log(
    `  count error       ${s.count_error_pct >= 0 ? '+' : ''}${s.count_error_pct.toFixed(2)} % unique visitors`,
  );
}

export function evalReidCommand(): Command {
  return new Command('reid')
    .description(
      'Run every image of a labelled folder (one sub-folder per person) through the face pipeline and the re-id engine, ' +
        'as sightings on random cameras in a seeded order, and score the identities against the truth',
    )
    .requiredOption('--faces <dir>', 'folder with one sub-folder of images per person')
    .option('--seed <n>', 'seed of the sighting order and cameras', parseNumber(0, 2 ** 32 - 1, true), 1)
    .option(
      '--threshold <cosine>',
      'match threshold (default: matching.matchMinCosine from config)',
      parseNumber(-1, 1),
    )
    .option('--json', 'print one JSON object instead of text')
    .option('--naive', 'score the naive floor (threshold only, running mean) instead of the engine')
    .option('--compare', 'also score the naive floor on the same run (JSON: under "naive")')
    .option('--ablation', `print each rule's effect against the naive floor, averaged over ${ABLATION_SEEDS} seeds`)
    .option(
      '--people <counts>',
      `also run subsets of this many people (e.g. 100,300,900), drawn per seed, averaged over ${ABLATION_SEEDS} seeds`,
      peopleList,
    )
    .option(
      '--calibration',
      "check the label-free estimator: the photos' faces as frames (labels hidden), its false-match rate against the labelled one",
    )
    .option(
      '--index <kind>',
      'the index searched: worker (int8 codes, as the worker runs them) or exact (float32 exact search, the reference)',
      parseIndex,
      'worker',
    )
    .action(async (opts: EvalReidOptions) => {
      const config = loadConfig();
      const threshold = opts.threshold ?? config.matching.matchMinCosine;
      const { faces, skipped } = await embedWithProgress(opts.faces, opts.calibration);
      if (faces.length === 0) throw new Error(`no usable faces in ${opts.faces} (${skipped.length} images skipped)`);
      const engine = resolvePolicy({ ...matchPolicyFromConfig(config.matching), matchMinCosine: threshold });
      const policy = opts.naive ? naivePolicy(threshold) : engine;
      const index = INDEXES[opts.index];
      const { scores, merges, deferred } = replaySightings(faces, { seed: opts.seed, policy, index });
      const naive = opts.compare
        ? replaySightings(faces, { seed: opts.seed, policy: naivePolicy(threshold), index }).scores
        : undefined;
      const seeds = Array.from({ length: ABLATION_SEEDS }, (_, i) => opts.seed + i);
      const ablation = opts.ablation ? comparePolicies(faces, policyVariants(threshold), seeds, index) : undefined;
      const sizes = opts.people?.map((people) => ({
        people,
        ...meanScores(
          seeds.map((seed) => replaySightings(selectPeople(faces, people, seed), { seed, policy, index }).scores),
        ),
      }));
      const calibration = opts.calibration
        ? seeds.map((seed) =>
            validateLiveCalibration(faces, { seed, policy: engine, minQuality: config.ingest.quality.minQuality }),
          )
        : undefined;
      const intervals = calibration?.map((check) => {
        const { scores: run, joinedAtMatching } = replaySightings(faces, { seed: check.seed, policy, index });
        return checkReplayIntervals(
          {
            seed: check.seed,
            createdIds: run.created_ids,
            trueIds: run.true_ids,
            visits: faces.length,
            joinedAtMatching,
          },
          check,
        );
      });
      if (opts.json) {
        const report = {
          ...scores,
          images: faces.length + skipped.length,
          skipped: skipped.length,
          skipped_images: skipped,
          threshold,
          seed: opts.seed,
          policy: opts.naive ? 'naive' : 'engine',
          index: opts.index,
          merges,
          deferred,
          naive,
          ablation,
          sizes,
          calibration,
          interval_coverage: intervals && replayCoverage(intervals),
        };
        console.log(JSON.stringify(report));
        return;
      }
      console.log(
        `${faces.length + skipped.length} images, ${faces.length} faces, ${skipped.length} skipped; threshold ${threshold}, seed ${opts.seed}, index ${opts.index}`,
      );
      for (const s of skipped) console.log(`  skipped ${s.file}: ${s.reason}`);
      printScores(opts.naive ? 'naive floor' : `engine (${merges} merges, ${deferred} deferred)`, scores);
      if (naive) printScores('naive floor, same order', naive);
      if (ablation) {
        printTable(
          `Each rule against the naive floor, threshold ${threshold}, mean of seeds ${opts.seed}..${opts.seed + ABLATION_SEEDS - 1}`,
          ablation.map(({ name, scores: s }) => ({
            policy: name,
            'BCubed P': s.bcubed_precision.toFixed(4),
            'BCubed R': s.bcubed_recall.toFixed(4),
            'BCubed F1': s.bcubed_f1.toFixed(4),
            'pairwise F1': s.pairwise_f1.toFixed(4),
            'ids created': s.created_ids,
            'count error %': s.count_error_pct,
            merges: s.merges,
          })),
        );
      }
      if (sizes) {
        printTable(
          `Population sizes: subsets of people drawn per seed, mean of seeds ${seeds[0]}..${seeds[seeds.length - 1]}`,
          sizes.map((z) => ({
            people: z.people,
            'identities true': z.true_ids,
            created: z.created_ids,
            'BCubed P': z.bcubed_precision.toFixed(4),
            'BCubed R': z.bcubed_recall.toFixed(4),
            'BCubed F1': z.bcubed_f1.toFixed(4),
            'count error %': z.count_error_pct,
          })),
        );
      }
      if (calibration) {
        printTable(
          `Label-free false-match rate at ${threshold} (labels hidden from the estimator, used only to score it)`,
          calibration.map((c) => ({
            seed: c.seed,
            ...c.pairsBySource,
            estimated: c.estimatedFmr?.toExponential(2) ?? '–',
            '~90 % range': c.fmrRange ? `${c.fmrRange[0].toExponential(1)}…${c.fmrRange[1].toExponential(1)}` : '',
            labelled: c.labelledFmr.toExponential(2),
            ratio: c.ratio?.toFixed(2) ?? '–',
          })),
        );
      }
      if (calibration) {
        const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(2)} %`);
        printTable(
          `Label-free split rate: new identities that were missed returns, from their best scores (labels used only to score it)`,
          calibration.map(({ seed, split: e, labelledSplitShare: l }) => ({
            seed,
            'new identities': e.newIdentities,
            'in band': e.inBand,
            'strangers expected': e.strangersInBand.toFixed(1),
            'missed at minting': pct(e.missedAtMinting === null ? null : e.missedAtMinting / e.newIdentities),
            'labelled at minting': pct(l.atMinting),
            're-clustering merges': e.reclusterMerges,
            'still apart': pct(e.splitShare),
            '~90 % range': e.splitShareRange ? `${pct(e.splitShareRange[0])}…${pct(e.splitShareRange[1])}` : '',
            'labelled still apart': pct(l.final),
          })),
        );
        printTable(
          `Label-free merge rate: strangers joined to an earlier identity at matching, from the galleries their new identities failed (labels used only to score it)`,
          calibration.map(({ seed, merge: m, labelledMerges }) => ({
            seed,
            'strangers minted': m.strangersMinted.toFixed(1),
            'joined, estimated': m.merged?.toFixed(1) ?? '–',
            '~90 % range': m.mergedRange ? `${m.mergedRange[0].toFixed(1)}…${m.mergedRange[1].toFixed(1)}` : '',
            'labelled, to another subject': labelledMerges.otherPerson,
            'to a bystander': labelledMerges.bystander,
            'share of new visitors': pct(m.mergeShare),
          })),
        );
      }
      if (intervals) {
        const c = replayCoverage(intervals);
        printTable(
          `The published 90 % intervals against the truth (each photo a visit; rates as a site gets them): coverage visitors ${c.visitors}, returning rate ${c.returning_rate}`,
          intervals.map((r) => ({
            seed: r.seed,
            visitors: `${r.visitors.truth} true, ${r.visitors.reported} reported, ${r.visitors.low}–${r.visitors.high}`,
            'returning rate': `${r.returningRate.truth.toFixed(4)} true, ${r.returningRate.reported.toFixed(4)} reported, ${r.returningRate.low}–${r.returningRate.high}`,
            'joined at matching (labelled)': r.joinedAtMatching,
          })),
        );
      }
    });
}
