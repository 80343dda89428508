/** Finds the items a batch fails on by running smaller and smaller parts: how one bad observation stops stalling its partition. */

/** An item that failed on its own, with what it threw. */
export interface IsolatedFailure<T> {
  item: T;
  error: unknown;
}

export interface IsolationOptions<T> {
  /** Errors worth retrying (a store that is down) are rethrown at once: splitting cannot help them. */
  isRetriable: (error: unknown) => boolean;
  /** Parts to try first (the site: one site's bad state must not hold up another's); then halves. */
  groupOf: (item: T) => string;
}

/**
 * Runs `run(items)`; when it throws an error that is not retriable, splits the items (by group
 * first, then in halves) and runs each part again, down to single items. Resolves with the
 * items that failed alone and their errors; everything else has run. A retriable error at any
 * depth is rethrown, so the caller retries the whole batch. `run` must be idempotent: a part
 * repeats what a larger attempt did before it failed.
 *
 * Each bad item among n costs at most two runs per halving, 2·log2(n); good parts run once more.
 */
export async function isolateFailures<T>(
  items: T[],
  run: (part: T[]) => Promise<void>,
  options: IsolationOptions<T>,
): Promise<IsolatedFailure<T>[]> {
  if (items.length === 0) return [];
  try {
    await run(items);
    return [];
  } catch (error) {
    if (options.isRetriable(error)) throw error;
    if (items.length === 1) return [{ item: items[0], error }];
    const failures: IsolatedFailure<T>[] = [];
    for (const part of split(items, options.groupOf)) failures.push(...(await isolateFailures(part, run, options)));
    return failures;
  }
}

function split<T>(items: T[], groupOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = groupOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  if (groups.size > 1) return [...groups.values()];
  const half = Math.ceil(items.length / 2);
  return [items.slice(0, half), items.slice(half)];
}
