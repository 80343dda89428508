/** Image sources: a single image, or every image under a folder (recursively, in a stable order). */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif', '.pgm']);

/** Whether a file name has one of the image extensions this worker decodes. */
export function isImageFile(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path).toLowerCase());
}

/** Throws a clear error when the source does not exist or holds no images. */
export function listImageFiles(source: string): string[] {
  let stat;
  try {
    stat = statSync(source);
  } catch {
    throw new Error(`source not found: ${source}`);
  }
  if (stat.isFile()) return [source];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (isImageFile(entry.name)) files.push(path);
    }
  };
  walk(source);
  if (files.length === 0) throw new Error(`no images (${[...IMAGE_EXTENSIONS].join(' ')}) under ${source}`);
  return files;
}
