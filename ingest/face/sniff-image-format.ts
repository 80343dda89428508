/** Which raster format a byte string is, by its signature: uploads are decided by their bytes, never by the Content-Type a client claims. */

/** The formats integrated-mode uploads accept: what cameras and phones produce, and nothing with scripts, vectors or many frames (SVG, GIF, TIFF, HEIF, …). */
export type UploadFormat = 'jpeg' | 'png' | 'webp';

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));

/** The upload format of `bytes`, or null for anything else (including unknown and truncated input). */
export function sniffImageFormat(bytes: Uint8Array): UploadFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  return null;
}
