/**
 * An edge camera's memory: the peak resident set of `revisit ingest` publishing to a real Kafka
 * broker (no ClickHouse, Redis or key), on photos and on a video file, against baselines measured
 * in the same run: a bare Node process, the CLI loaded, and a camera in embedded mode with no
 * `revisit serve` running (it opens chdb and runs the worker itself, as every camera did before).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { printTable, type Row } from '../common/print-table.ts';
import { makeFaceVideo } from '../test/fixtures/make-face-video.ts';
import { personImages } from '../test/harness/faces-dir.ts';
import { startKafkaBroker } from '../test/harness/kafka-broker.ts';

const CLI = fileURLToPath(new URL('../bin/revisit.js', import.meta.url));
const SITE = { id: 'edge-store', name: 'Edge store' };
/** /proc's VmHWM is the process's own peak; sampled often enough to read it before the exit. */
const SAMPLE_MS = 50;

interface Peak {
  code: number | null;
  peakMb: number;
  seconds: number;
}

/** Runs a command to its end with exactly `env`; its peak resident memory (VmHWM) and wall time. */
async function peakOf(args: string[], env: Record<string, string>): Promise<Peak> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let exited = false;
  const code = new Promise<number | null>((resolve) =>
    child.once('exit', (c) => {
      exited = true;
      resolve(c);
    }),
  );
  let peakKb = 0;
  while (!exited) {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // gone between the check and the read
    }
    await sleep(SAMPLE_MS);
  }
  const result = { code: await code, peakMb: peakKb / 1024, seconds: (performance.now() - started) / 1000 };
  if (result.code !== 0) throw new Error(`${args.slice(1).join(' ')} exited ${result.code}:\n${stderr.slice(-2000)}`);
  return result;
}

export async function benchCameraMemory(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-bench-camera-'));
  const broker = await startKafkaBroker();
  try {
    const photos = join(dir, 'photos');
    mkdirSync(photos);
    const people = ['anpage', 'asamma', 'asewil'];
    for (const [i, file] of people.flatMap((p) => personImages('faces94_subset', p).slice(0, 2)).entries())
      writeFileSync(join(photos, `${i}.jpg`), readFileSync(file));
    const video = join(dir, 'camera.mp4');
    const seconds = await makeFaceVideo(
      video,
      people.flatMap((p) => [
        { images: [personImages('faces94_subset', p)[0]], seconds: 3, motion: 'pan' as const },
        { images: [], seconds: 1, motion: 'empty' as const },
      ]),
    );
    const edgeConfig = join(dir, 'edge.json');
    writeFileSync(
      edgeConfig,
      JSON.stringify({
        sites: [SITE],
        kafka: { brokers: broker.brokers },
        topics: { observations: 'bench-observations' },
      }),
    );
    const embeddedConfig = join(dir, 'embedded.json');
    writeFileSync(embeddedConfig, JSON.stringify({ sites: [SITE] }));
    const env = (name: string, config: string) => ({
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: join(dir, 'home', name),
      REVISIT_CONFIG: config,
      REVISIT_DATA_DIR: join(dir, 'home', name, 'data'),
      OMP_NUM_THREADS: '1',
    });
    const ingest = (source: string, camera: string) => [
      CLI,
      'ingest',
      '--site',
      SITE.id,
      '--camera',
      camera,
      '--source',
      source,
    ];
    const runs: Array<[string, string[], Record<string, string>]> = [
      // Idle for half a second: a process that exits at once ends before the first sample.
      ['baseline: node, nothing loaded', ['-e', 'setTimeout(() => {}, 500)'], env('node', edgeConfig)],
      ['baseline: the revisit CLI loaded (--help)', [CLI, '--help'], env('help', edgeConfig)],
      [
        'baseline: embedded camera, no serve (own chdb + worker), 6 photos',
        ingest(photos, 'door'),
        env('embedded', embeddedConfig),
      ],
      ['edge camera to Kafka, 6 photos', ingest(photos, 'door'), env('edge-photos', edgeConfig)],
      [`edge camera to Kafka, ${seconds} s video file`, ingest(video, 'door'), env('edge-video', edgeConfig)],
    ];
    const rows: Row[] = [];
    for (const [what, args, runEnv] of runs) {
      mkdirSync(runEnv.HOME, { recursive: true });
      const { peakMb, seconds: wall } = await peakOf(args, runEnv);
      rows.push({ process: what, 'peak RSS MB': peakMb, 'wall s': wall });
    }
    printTable('Edge camera memory: peak resident set (VmHWM) of one process, OMP_NUM_THREADS=1', rows);
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
