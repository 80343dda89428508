/** The two raw frame containers ffmpeg writes for the worker: binary PPM (RGB) and YUV4MPEG2 (planar YUV 4:2:0). */
import type { RgbImage, Yuv420Image } from '../face/index.ts';
import type { FrameFormat, FrameHeader } from './split-frame-stream.ts';

/** Whitespace-separated fields of `buf` up to the first `count` (and the bytes they took), or null if incomplete. */
function leadingFields(buf: Buffer, count: number, limit: number): { fields: string[]; length: number } | null {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < buf.length && i <= limit; i++) {
    const c = buf[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      if (i > start) fields.push(buf.toString('latin1', start, i));
      start = i + 1;
      if (fields.length === count) return { fields, length: i + 1 };
    }
  }
  return null;
}

/** Binary PPM (P6, 8-bit): "P6 <w> <h> 255" then RGB bytes — the detector view. */
export function ppmFrames(): FrameFormat<RgbImage> {
  const maxHeaderBytes = 64;
  return {
    maxHeaderBytes,
    parseHeader(head) {
      const found = leadingFields(head, 4, maxHeaderBytes);
      if (!found) return null;
      const [magic, w, h, max] = found.fields;
      const width = Number(w);
      const height = Number(h);
      if (magic !== 'P6' || max !== '255' || !(width > 0) || !(height > 0))
        throw new Error(`not an 8-bit P6 frame (header "${found.fields.join(' ')}")`);
      return { length: found.length, bytes: width * height * 3, build: (data) => ({ width, height, data }) };
    },
  };
}

/** Chroma tags that all mean 8-bit 4:2:0 planes in Y, U, V order (they differ only in chroma siting). */
const YUV420_TAGS = new Set(['420jpeg', '420mpeg2', '420paldv', '420']);

/**
 * YUV4MPEG2: one stream header line ("YUV4MPEG2 W<w> H<h> … C420jpeg …"), then per frame a
 * "FRAME" line and the Y, U and V planes — the full-size frame, with no colour conversion.
 */
export function y4mFrames(): FrameFormat<Yuv420Image> {
  let size: { width: number; height: number } | null = null;
  const maxHeaderBytes = 512;
  const line = (buf: Buffer, from: number): string | null => {
    const end = buf.indexOf(0x0a, from);
    return end < 0 || end - from > maxHeaderBytes ? null : buf.toString('latin1', from, end);
  };
  return {
    maxHeaderBytes,
    parseHeader(head) {
      let offset = 0;
      let stream = size;
      if (!stream) {
        const first = line(head, 0);
        if (first === null) return null;
        stream = parseStreamHeader(first);
        offset = first.length + 1;
      }
      const frameLine = line(head, offset);
      if (frameLine === null) return null;
      if (!frameLine.startsWith('FRAME')) throw new Error(`not a YUV4MPEG2 frame (header "${frameLine.slice(0, 40)}")`);
      // The stream's size is kept only once its first frame header is whole: until then the
      // splitter hands the same bytes in again.
      size = stream;
      const { width, height } = stream;
      const lumaBytes = width * height;
      const chromaBytes = ((width + 1) >> 1) * ((height + 1) >> 1);
      const header: FrameHeader<Yuv420Image> = {
        length: offset + frameLine.length + 1,
        bytes: lumaBytes + 2 * chromaBytes,
        build: (data) => ({
          width,
          height,
          y: data.subarray(0, lumaBytes),
          u: data.subarray(lumaBytes, lumaBytes + chromaBytes),
          v: data.subarray(lumaBytes + chromaBytes),
        }),
      };
      return header;
    },
  };
}

function parseStreamHeader(text: string): { width: number; height: number } {
  const [magic, ...params] = text.split(' ');
  if (magic !== 'YUV4MPEG2') throw new Error(`not a YUV4MPEG2 stream (header "${text.slice(0, 40)}")`);
  const param = (key: string) => params.find((p) => p.startsWith(key))?.slice(1);
  const width = Number(param('W'));
  const height = Number(param('H'));
  const chroma = param('C') ?? '420jpeg';
  if (!(width > 0) || !(height > 0)) throw new Error(`YUV4MPEG2 header without a size ("${text}")`);
  if (!YUV420_TAGS.has(chroma)) throw new Error(`YUV4MPEG2 colour space C${chroma} is not 8-bit 4:2:0`);
  return { width, height };
}
