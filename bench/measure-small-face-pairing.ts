/**
 * One-off measurement for issue 16's checkout pairing: could a weak embedding of a face too small to
 * identify pick its own visit among a few candidates? lfw_dev probes shrunk to a face side of S px,
 * embedded by the real pipeline, scored by cosine against the person's other photo and impostors.
 * Run: `nice node --import tsx bench/measure-small-face-pairing.ts [faces dir] [seed] [degraded]`;
 * `degraded` also blurs the shrunk face (σ 0.8 px) and passes it through JPEG at quality 40, as
 * a camera's optics and stream compression would.
 */
import sharp from 'sharp';
import { seededRandom, type Random } from '../common/seeded-random.ts';
import { printTable, type Row } from '../common/print-table.ts';
import { cosine, decodeImage, FacePipeline, type FaceBox, type RgbImage } from '../ingest/face/index.ts';
import { embedSubject, listLabelledImages } from '../reid-worker/eval/embed-labelled-folder.ts';

const SIDES = [16, 20, 24, 32, 40];
const IMPOSTORS = 7;
const MARGINS = [0.05, 0.1, 0.15];
/** The frame a small face is placed in: the detector's own input, so it sees the face at 1:1. */
const FRAME = { width: 320, height: 240 };

interface Probe {
  genuine: Float32Array;
  impostors: Float32Array[];
  full: Float32Array;
  /** Per side S: detected at S, and the embedding from the track's box (null when landmarks fail). */
  small: Map<number, { detected: boolean; embedding: Float32Array | null }>;
}

const dir = process.argv[2] ?? '../shared/faces/lfw_dev';
const seed = Number(process.argv[3] ?? 1);
const degraded = process.argv[4] === 'degraded';
const random = seededRandom(seed);
const byPerson = new Map<string, string[]>();
for (const { file, person } of listLabelledImages(dir)) byPerson.set(person, [...(byPerson.get(person) ?? []), file]);
const people = [...byPerson.keys()];
const pipeline = await FacePipeline.load();

// One gallery photo per person, full size: the "identity" of a candidate visit.
const galleryFile = new Map(people.map((p) => [p, pick(byPerson.get(p) ?? [], random)]));
const gallery = new Map<string, Float32Array>();
for (const [person, file] of galleryFile) {
  const face = await embedSubject(pipeline, await decodeImage(file));
  if (face) gallery.set(person, face.embedding);
}

const probes: Probe[] = [];
for (const person of people) {
  const files = byPerson.get(person) ?? [];
  const genuine = gallery.get(person);
  if (files.length < 2 || !genuine) continue;
  const file = pick(
    files.filter((f) => f !== galleryFile.get(person)),
    random,
  );
  const others = shuffle(
    [...gallery.keys()].filter((p) => p !== person),
    random,
  ).slice(0, IMPOSTORS);
  const image = await decodeImage(file);
  const face = await embedSubject(pipeline, image);
  if (!face) continue;
  const small = new Map<number, { detected: boolean; embedding: Float32Array | null }>();
  for (const side of SIDES) small.set(side, await embedShrunk(image, face.box, side));
  const impostors = others.map((p) => gallery.get(p) as Float32Array);
  probes.push({ genuine, impostors, full: face.embedding, small });
}
await pipeline.close();

const rows: Row[] = [
  scoreRow(
    'full',
    probes.map((p) => ({ ...p, embedding: p.full, detected: true })),
  ),
];
for (const side of SIDES)
  rows.push(
    scoreRow(
      `${side}`,
      probes.map((p) => ({ ...p, ...(p.small.get(side) ?? { detected: false, embedding: null }) })),
    ),
  );
printTable(
  `${probes.length} probes from ${dir}, seed ${seed}${degraded ? ', degraded' : ''}: top-1 among k candidates (1 own + k−1 others)`,
  rows,
);

/**
 * Shrinks the photo so the face's box side is `side` px, places it in a detector-sized frame
 * (edges copied), and reports whether the detector finds it there and the embedding the pipeline
 * makes from the shrunk box — a tracked face's box comes from the video detector either way.
 */
async function embedShrunk(
  image: RgbImage,
  box: FaceBox,
  side: number,
): Promise<{ detected: boolean; embedding: Float32Array | null }> {
  const f = side / Math.sqrt(box.width * box.height);
  const w = Math.max(1, Math.round(image.width * f));
  const h = Math.max(1, Math.round(image.height * f));
  const left = Math.max(0, Math.floor((FRAME.width - w) / 2));
  const top = Math.max(0, Math.floor((FRAME.height - h) / 2));
  let shrunk = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(w, h, {
    fit: 'fill',
  });
  if (degraded) shrunk = sharp(await shrunk.blur(0.8).jpeg({ quality: 40 }).toBuffer());
  const { data, info } = await shrunk
    .extend({
      left,
      top,
      right: Math.max(0, FRAME.width - w - left),
      bottom: Math.max(0, FRAME.height - h - top),
      extendWith: 'copy',
    })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const frame: RgbImage = { width: info.width, height: info.height, data: new Uint8Array(data) };
  const target = {
    x1: left + box.x * f,
    y1: top + box.y * f,
    x2: left + (box.x + box.width) * f,
    y2: top + (box.y + box.height) * f,
    score: 1,
  };
  const found = await pipeline.describeFaces(frame);
  const detected = found.some((d) => iou(d.box, target) >= 0.4);
  const [embedded] = await pipeline.embedFaces(frame, { detected: { faces: [target], seconds: 0 } });
  return { detected, embedding: embedded?.embedding ?? null };
}

function scoreRow(
  label: string,
  runs: Array<{ genuine: Float32Array; impostors: Float32Array[]; embedding: Float32Array | null; detected: boolean }>,
): Row {
  const usable = runs.filter((r) => r.embedding !== null);
  const scored = usable.map((r) => {
    const e = r.embedding as Float32Array;
    return { own: cosine(e, r.genuine), others: r.impostors.map((i) => cosine(e, i)) };
  });
  const row: Row = {
    'face side px': label,
    detected: pct(runs.filter((r) => r.detected).length, runs.length),
    'own cos p50': median(scored.map((s) => s.own)),
    'other cos p50': median(scored.flatMap((s) => s.others)),
  };
  for (const k of [3, 5, 8])
    row[`top-1 of ${k}`] = pct(
      scored.filter((s) => s.own > Math.max(...s.others.slice(0, k - 1))).length,
      scored.length,
    );
  for (const m of MARGINS) {
    const clear = scored.filter((s) => margin(s.own, s.others.slice(0, 4)) >= m);
    const right = clear.filter((s) => s.own > Math.max(...s.others.slice(0, 4))).length;
    const own = (right + (scored.length - clear.length) / 5) / scored.length;
    row[`margin ${m}: decided / right / own`] =
      `${pct(clear.length, scored.length)} / ${pct(right, clear.length)} / ${(100 * own).toFixed(1)} %`;
  }
  return row;
}

/** Top-1 minus top-2 cosine among the candidates. */
function margin(own: number, others: number[]): number {
  const sorted = [own, ...others].sort((a, b) => b - a);
  return sorted[0] - sorted[1];
}

function iou(a: FaceBox, b: { x1: number; y1: number; x2: number; y2: number }): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x2) - Math.max(a.x, b.x1));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y2) - Math.max(a.y, b.y1));
  const inter = ix * iy;
  return inter / (a.width * a.height + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)];
}

function pct(n: number, of: number): string {
  return `${((100 * n) / Math.max(1, of)).toFixed(1)} %`;
}

function pick<T>(xs: T[], r: Random): T {
  return xs[Math.floor(r() * xs.length)];
}

function shuffle<T>(xs: T[], r: Random): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
