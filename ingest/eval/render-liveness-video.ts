/** Encodes waves of face pictures (real or spoof) drifting over a noisy scene into an H.264 video with ffmpeg, for the liveness calibration. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { RgbImage } from '../face/face-types.ts';
import { blit, type Sprite } from './spoof-effects.ts';

/** The scene's canvas and rate, and the side of the square cell each face picture drifts in. */
export interface SceneGeometry {
  width: number;
  height: number;
  fps: number;
  cellPx: number;
}

/** Face pictures of one kind shown together, each in a cell of its own. */
export interface LivenessWave<K extends string> {
  kind: K;
  sprites: Sprite[];
}

/** Where a wave landed in the video: frames firstFrame..lastFrame (inclusive). */
export interface RenderedWave<K extends string> {
  kind: K;
  pictures: number;
  firstFrame: number;
  lastFrame: number;
}

/** Frames each picture is in view (at 5 fps: 1.2 s, a track well above the minimum of 2 frames). */
export const WAVE_FRAMES = 6;
/** Share of a cell a picture drifts across while in view: it moves, as a face held by a person does. */
const DRIFT_PER_WAVE = 0.12;
/**
 * The empty frames after each wave. Waves alternate half a cell apart sideways (more than a face
 * side: the tracker never joins them), so one frame is enough to keep them apart.
 */
const GAP_FRAMES = 1;
/** Background noise frames cycled through (sensor noise, new in every frame). */
const NOISE_FRAMES = 4;
const NOISE_AMPLITUDE = 12;
const BACKGROUND: [number, number, number] = [0x50, 0x60, 0x70];

/** How many pictures a wave holds: the cells that fit the canvas (with the odd waves' half-cell shift sideways). */
export function waveCapacity(g: SceneGeometry): number {
  return Math.max(1, Math.floor((g.width - g.cellPx / 2) / g.cellPx)) * Math.max(1, Math.floor(g.height / g.cellPx));
}

/** Renders every wave in order into `out` and returns where each landed. Nothing but `out` is written. */
export async function renderLivenessVideo<K extends string>(
  out: string,
  waves: AsyncIterable<LivenessWave<K>> | Iterable<LivenessWave<K>>,
  g: SceneGeometry,
): Promise<Array<RenderedWave<K>>> {
  const ffmpeg = spawn(
    'ffmpeg',
    [
      ...[
        '-loglevel',
        'error',
        '-nostdin',
        '-y',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-s',
        `${g.width}x${g.height}`,
        '-r',
        String(g.fps),
        '-i',
        '-',
      ],
      // No B-frames: the worker's decoder skips non-reference frames at low analysis rates.
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-bf', '0', '-g', String(g.fps), '-pix_fmt', 'yuv420p', out],
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  ffmpeg.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = once(ffmpeg, 'close');
  const noise = noiseFrames(g);
  const canvas: RgbImage = { width: g.width, height: g.height, data: new Uint8Array(3 * g.width * g.height) };
  let frame = 0;
  const write = async () => {
    if (!ffmpeg.stdin.write(canvas.data.slice())) await once(ffmpeg.stdin, 'drain');
    frame++;
  };
  const rendered: Array<RenderedWave<K>> = [];
  const cols = Math.max(1, Math.floor((g.width - g.cellPx / 2) / g.cellPx));
  let index = 0;
  try {
    for await (const wave of waves) {
      if (wave.sprites.length > waveCapacity(g))
        throw new Error(`a wave of ${wave.sprites.length} pictures exceeds the ${waveCapacity(g)} cells`);
      const shift = index++ % 2 === 1 ? g.cellPx / 2 : 0;
      const firstFrame = frame;
      for (let f = 0; f < WAVE_FRAMES; f++) {
        canvas.data.set(noise[frame % NOISE_FRAMES]);
        wave.sprites.forEach((sprite, i) => {
          const cellX = shift + (i % cols) * g.cellPx;
          const cellY = Math.floor(i / cols) * g.cellPx;
          const drift = (DRIFT_PER_WAVE * g.cellPx * f) / WAVE_FRAMES;
          blit(
            canvas,
            sprite,
            cellX + (g.cellPx - sprite.width) / 2 - (DRIFT_PER_WAVE * g.cellPx) / 2 + drift,
            cellY + (g.cellPx - sprite.height) / 2,
          );
        });
        await write();
      }
      rendered.push({ kind: wave.kind, pictures: wave.sprites.length, firstFrame, lastFrame: frame - 1 });
      for (let f = 0; f < GAP_FRAMES; f++) {
        canvas.data.set(noise[frame % NOISE_FRAMES]);
        await write();
      }
    }
    ffmpeg.stdin.end();
  } catch (err) {
    ffmpeg.kill('SIGKILL');
    throw err;
  }
  const [code] = await exited;
  if (code !== 0)
    throw new Error(`ffmpeg could not encode ${out}: ${stderr.trim().split('\n').pop() ?? `exit ${code}`}`);
  return rendered;
}

/** Background frames: a flat colour with independent pixel noise in each. */
function noiseFrames(g: SceneGeometry): Uint8Array[] {
  let seed = 12345;
  // A small LCG: the same noise every run, and far faster than Math.random for 2.7 M values a frame.
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) & 0xffff) / 0xffff;
  return Array.from({ length: NOISE_FRAMES }, () => {
    const data = new Uint8Array(3 * g.width * g.height);
    for (let i = 0; i < data.length; i++)
      data[i] = BACKGROUND[i % 3] + Math.round((next() + next() - 1) * NOISE_AMPLITUDE);
    return data;
  });
}
