/** `revisit forget`: erasure on request — a face image or embedding removes every matching identity and its sightings. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig, type RevisitConfig } from '../../common/config.ts';
import { openRuntime } from '../../runtime/open-runtime.ts';
import { decodeImage, FacePipeline } from '../../ingest/index.ts';
import { messageLimits } from '../../schemas/index.ts';
import { eraseFace, normaliseErasureEmbedding, type ErasureResult } from '../../reid-worker/erasure/index.ts';
import { checkDeployment } from '../../runtime/check-deployment.ts';
import { findOwner, ownerJson } from '../../runtime/owner/owner-client.ts';

interface ForgetOptions {
  site: string;
  image?: string;
  embedding?: string;
  json?: boolean;
}

/** The face to forget: embedded from a photo (largest face), or read from a JSON array (or {"embedding": [...]}). */
async function faceEmbedding(opts: ForgetOptions, config: RevisitConfig): Promise<Float32Array> {
  if (opts.embedding) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(opts.embedding, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read embedding file ${opts.embedding}: ${(err as Error).message}`);
    }
    const values =
      parsed && typeof parsed === 'object' && 'embedding' in parsed
        ? (parsed as { embedding: unknown }).embedding
        : parsed;
    return normaliseErasureEmbedding(values, config.matching.embeddingDim);
  }
  const pipeline = await FacePipeline.load();
  try {
    const face = await pipeline.embedPrimaryFace(await decodeImage(opts.image!));
    if (!face) throw new Error(`no face found in ${opts.image}`);
    return face.embedding;
  } finally {
    await pipeline.close();
  }
}

async function eraseHere(config: RevisitConfig, siteId: string, embedding: Float32Array): Promise<ErasureResult> {
  const runtime = await openRuntime(config, 'revisit-forget');
  try {
    return await eraseFace(
      { siteId, embedding },
      {
        store: runtime.store,
        clickhouse: runtime.clickhouse,
        registryLock: runtime.registryLock,
        minCosine: config.privacy.erasureMinCosine,
      },
    );
  } finally {
    await runtime.close();
  }
}

export function forgetCommand(): Command {
  return new Command('forget')
    .description(
      'Erase a person: every identity of the site matching the face (privacy.erasureMinCosine) is removed from the registry, ' +
        'with all its sightings in ClickHouse, and Redis rewrites its files on disk without them. ' +
        'A worker running in another process drops the site from memory before its next batch.',
    )
    .requiredOption('--site <id>', 'site to erase from (must be configured)')
    .option('--image <file>', 'a photo of the person (the largest face is used)')
    .option('--embedding <file.json>', 'the face embedding as a JSON array of numbers (or {"embedding": [...]})')
    .option('--json', 'print the result as JSON')
    .action(async (opts: ForgetOptions) => {
      const config = loadConfig();
      if (!messageLimits(config).isKnownSite(opts.site))
        throw new Error(`unknown site "${opts.site}"; configured: ${config.sites.map((s) => s.id).join(', ')}`);
      if (Boolean(opts.image) === Boolean(opts.embedding))
        throw new Error('give exactly one of --image or --embedding');
      checkDeployment(config, 'revisit forget', { clickhouse: true, redis: true, identityKeys: true });
      const embedding = await faceEmbedding(opts, config);
      // A running embedded serve owns the data directory: it erases (its worker takes turns with it under one lock).
      const owner = await findOwner(config);
      const result = owner
        ? await ownerJson<ErasureResult>(owner, '/v1/erasure', { site: opts.site, embedding: [...embedding] })
        : await eraseHere(config, opts.site, embedding);
      // A removal that has not reached the disk is not done: say so, and fail so scripts notice.
      if (!result.disk.complete) {
        process.stderr.write(
          `revisit: the registry's files on disk may still hold the erased identities: ${result.disk.detail}; run forget again (see docs/operations.md)\n`,
        );
        process.exitCode = 1;
      }
      if (opts.json) {
        console.log(JSON.stringify(result));
        return;
      }
      const rows =
        Object.entries(result.rowsDeleted)
          .map(([table, n]) => `${n} ${table}`)
          .join(', ') || 'no rows';
      console.log(
        `erased ${result.identities.length} identit${result.identities.length === 1 ? 'y' : 'ies'} at ${opts.site} (${rows} deleted, ${result.markersDeleted} observation markers)`,
      );
      for (const m of result.identities) console.log(`  ${m.identityId}  cosine ${m.similarity.toFixed(3)}`);
      if (result.disk.complete) console.log(`on disk: ${result.disk.detail}`);
    });
}
