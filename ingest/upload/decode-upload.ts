/** An uploaded image to pixels, or the API answer saying why not: raster formats only, decided by the bytes, and a pixel limit checked before any decoding. */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { decodeImage, sniffImageFormat, TooManyPixelsError, type RgbImage } from '../face/index.ts';

export type DecodedUpload =
  | { ok: true; image: RgbImage }
  | { ok: false; status: ContentfulStatusCode; code: string; message: string };

/** `name` appears in error messages ("upload", "erasure request"). */
export async function decodeUpload(bytes: Buffer, maxPixels: number, name: string): Promise<DecodedUpload> {
  if (!sniffImageFormat(bytes)) {
    return {
      ok: false,
      status: 415,
      code: 'unsupported_media_type',
      message: 'the body is not a JPEG, PNG or WebP image (other formats, SVG included, are refused)',
    };
  }
  try {
    return { ok: true, image: await decodeImage(bytes, { name, maxPixels }) };
  } catch (err) {
    if (err instanceof TooManyPixelsError)
      return { ok: false, status: 413, code: 'too_many_pixels', message: err.message };
    return { ok: false, status: 400, code: 'bad_image', message: (err as Error).message };
  }
}
