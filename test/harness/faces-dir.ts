/** Where the labelled face photos are: ../shared/faces beside the repository (CI has them there too). */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The faces folder, or the override in REVISIT_FACES_DIR; throws if it is missing. */
export function facesDir(...parts: string[]): string {
  const root = process.env.REVISIT_FACES_DIR ?? join(REPO_ROOT, '..', 'shared', 'faces');
  if (!existsSync(root))
    throw new Error(`face photos not found at ${root}: tests need ../shared/faces (or set REVISIT_FACES_DIR)`);
  return join(root, ...parts);
}

/** The image files of one person of one set, sorted by name. */
export function personImages(set: string, person: string): string[] {
  const dir = facesDir(set, person);
  return readdirSync(dir)
    .sort()
    .map((f) => join(dir, f));
}

/** Every image of a set as [path, person], sorted for determinism. */
export function labelledImages(set: string): Array<[string, string]> {
  const dir = facesDir(set);
  return readdirSync(dir)
    .sort()
    .flatMap((person) =>
      readdirSync(join(dir, person))
        .sort()
        .map((f): [string, string] => [join(dir, person, f), person]),
    );
}
