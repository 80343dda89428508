/** Decodes an image file or buffer into RGB pixels in memory (never to disk). */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { RgbImage } from './face-types.ts';

/** Options for decodeImage. */
export interface DecodeOptions {
  /**
   * Shrink so the long side is at most this many pixels (0 = never). Default 1280: the detector
   * sees 320×240 anyway and faces stay well above the 112 px of the aligned crop, while a 14 MP
   * photo would otherwise cost ~40 MB of RGB and slow every crop.
   */
  maxSide?: number;
  /** Name used in error messages when `input` is a Buffer. */
  name?: string;
  /**
   * Refuse images with more pixels than this, read from the header before anything is decoded,
   * rotated or resized (a 777 KB PNG can declare 16000×16000). Default: sharp's own limit.
   */
  maxPixels?: number;
}

/** The image declares more pixels than allowed: refused before any decoding. */
export class TooManyPixelsError extends Error {
  override name = 'TooManyPixelsError';
}

const DEFAULT_MAX_SIDE = 1280;

/**
 * Decodes JPEG/PNG/WebP/TIFF/GIF/AVIF (via sharp, honouring EXIF orientation) and binary PGM (P5)
 * into 8-bit RGB. Throws an Error naming the file and the reason when the input is unreadable.
 */
export async function decodeImage(input: string | Buffer, opts: DecodeOptions = {}): Promise<RgbImage> {
  const name = typeof input === 'string' ? input : (opts.name ?? '<buffer>');
  let bytes: Buffer;
  try {
    bytes = typeof input === 'string' ? await readFile(input) : input;
  } catch (err) {
    throw new Error(`cannot read image ${name}: ${(err as Error).message}`);
  }
  const maxSide = opts.maxSide ?? DEFAULT_MAX_SIDE;
  const maxPixels = opts.maxPixels ?? SHARP_MAX_PIXELS;
  try {
    // libvips has no PGM loader, and the orl/ faces are P5 PGM.
    const image = isPgm(bytes) ? parsePgm(bytes, maxPixels) : await decodeWithSharp(bytes, maxSide, maxPixels);
    return maxSide > 0 && Math.max(image.width, image.height) > maxSide ? await shrink(image, maxSide) : image;
  } catch (err) {
    if (err instanceof TooManyPixelsError) throw new TooManyPixelsError(`image ${name} ${err.message}`);
    throw new Error(`cannot decode image ${name}: ${(err as Error).message}`);
  }
}

/** sharp's default limitInputPixels (0x3FFF × 0x3FFF). */
const SHARP_MAX_PIXELS = 268_402_689;

function checkPixels(width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) throw new TooManyPixelsError(`is ${width}×${height}, more than ${maxPixels} pixels`);
}

async function decodeWithSharp(bytes: Buffer, maxSide: number, maxPixels: number): Promise<RgbImage> {
  // The header alone says how big the image is; limitInputPixels then holds libvips to the same bound.
  const { width = 0, height = 0 } = await sharp(bytes).metadata();
  checkPixels(width, height, maxPixels);
  let pipeline = sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels }).rotate();
  if (maxSide > 0) pipeline = pipeline.resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true });
  const { data, info } = await pipeline
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return toRgb(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height, info.channels);
}

/** sharp keeps single-band images single-band; callers always get three channels. */
function toRgb(data: Uint8Array, width: number, height: number, channels: number): RgbImage {
  if (channels === 3) return { width, height, data };
  if (channels !== 1) throw new Error(`unexpected ${channels} colour channels`);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = data[i];
  return { width, height, data: rgb };
}

async function shrink(image: RgbImage, maxSide: number): Promise<RgbImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(maxSide, maxSide, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

function isPgm(bytes: Buffer): boolean {
  return bytes.length > 2 && bytes[0] === 0x50 && bytes[1] === 0x35 && /\s/.test(String.fromCharCode(bytes[2]));
}

/** Binary PGM: "P5", width, height, maxval as whitespace-separated ASCII (with # comments), one whitespace byte, then samples. */
function parsePgm(bytes: Buffer, maxPixels: number): RgbImage {
  const fields: number[] = [];
  let pos = 2;
  while (fields.length < 3) {
    while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]))) pos++;
    if (bytes[pos] === 0x23) {
      while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
      continue;
    }
    const start = pos;
    while (pos < bytes.length && bytes[pos] >= 0x30 && bytes[pos] <= 0x39) pos++;
    if (pos === start) throw new Error('malformed PGM header');
    fields.push(Number(bytes.toString('ascii', start, pos)));
  }
  const [width, height, maxval] = fields;
  pos++;
  const wide = maxval > 255;
  const count = width * height;
  if (width <= 0 || height <= 0 || maxval <= 0 || maxval > 65535) throw new Error('malformed PGM header');
  checkPixels(width, height, maxPixels);
  if (bytes.length - pos < count * (wide ? 2 : 1)) throw new Error('truncated PGM data');
  const grey = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = wide ? bytes.readUInt16BE(pos + 2 * i) : bytes[pos + i];
    grey[i] = Math.round((v * 255) / maxval);
  }
  return toRgb(grey, width, height, 1);
}
