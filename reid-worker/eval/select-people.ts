/** A seeded subset of a labelled set's people, to see how the engine holds as the population grows. */
import { seededRandom } from '../../common/seeded-random.ts';
import type { LabelledFace } from './embed-labelled-folder.ts';

/** The faces of `count` people drawn at random (by `seed`) from the set; all of them when it has no more. */
export function selectPeople(faces: LabelledFace[], count: number, seed: number): LabelledFace[] {
  const people = [...new Set(faces.map((f) => f.person))].sort();
  if (count >= people.length) return faces;
  const random = seededRandom(seed * 7919 + count);
  for (let i = people.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [people[i], people[j]] = [people[j], people[i]];
  }
  const keep = new Set(people.slice(0, count));
  return faces.filter((f) => keep.has(f.person));
}
