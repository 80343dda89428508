/** Decides what kind of source a `--source` argument is: still images, a video file, or a live stream. */
import { statSync } from 'node:fs';
import { isImageFile } from './list-image-files.ts';
import { isStreamUrl } from './read-video-frames.ts';

export type SourceKind = 'images' | 'video' | 'stream';

/** Throws a clear error when a path does not exist; URLs are not checked until opened. */
export function resolveSourceKind(source: string): SourceKind {
  if (isStreamUrl(source)) return 'stream';
  let stat;
  try {
    stat = statSync(source);
  } catch {
    throw new Error(`source not found: ${source}`);
  }
  return stat.isDirectory() || isImageFile(source) ? 'images' : 'video';
}
