/** `revisit enroll`: enrols a staff member (or another exclusion group) from photos; lists and removes enrolments. */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../common/config.ts';
import { openRuntime } from '../../runtime/open-runtime.ts';
import { FacePipeline } from '../../ingest/index.ts';
import { messageLimits } from '../../schemas/index.ts';
import { enrollFaces, type EnrollResult } from '../../reid-worker/exclusion/index.ts';
import type { ExclusionTemplate } from '../../identity-registry/index.ts';
import { checkDeployment } from '../../runtime/check-deployment.ts';
import { findOwner, ownerJson, type OwnerClient } from '../../runtime/owner/owner-client.ts';
import { createProgressBar, ratePerSecond } from '../progress-bar.ts';

interface EnrollOptions {
  site: string;
  label: string;
  list?: boolean;
  remove?: string;
}

export function enrollCommand(): Command {
  return new Command('enroll')
    .description(
      'Enrol one person of an exclusion group (default: staff) from photos of their face: the averaged template is stored ' +
        'encrypted, and their sightings are labelled and never counted as footfall. --list and --remove manage enrolments.',
    )
    .argument('[images...]', 'photos of one person (the largest face in each is used)')
    .requiredOption('--site <id>', 'site the person works at (must be configured)')
    .option('--label <group>', 'exclusion group', 'staff')
    .option('--list', 'list the enrolled templates of the site')
    .option('--remove <templateId>', 'remove one enrolled template')
    .action(async (images: string[], opts: EnrollOptions) => {
      const config = loadConfig();
      if (!messageLimits(config).isKnownSite(opts.site))
        throw new Error(`unknown site "${opts.site}"; configured: ${config.sites.map((s) => s.id).join(', ')}`);
      if (!opts.list && !opts.remove && images.length === 0)
        throw new Error('give photos to enrol, or --list, or --remove <templateId>');
      checkDeployment(config, 'revisit enroll', { redis: true, identityKeys: true });
      // A running embedded serve owns the data directory: it enrols (reading the photos from here).
      const owner = await findOwner(config);
      if (owner) return enrollThroughOwner(owner, images, opts);
      const runtime = await openRuntime(config, 'revisit-enroll');
      try {
        if (opts.list) {
          printTemplates(opts.site, await runtime.store.loadTemplates(opts.site));
        } else if (opts.remove) {
          if (!(await runtime.store.removeTemplate(opts.site, opts.remove)))
            throw new Error(`no template ${opts.remove} at ${opts.site}`);
          console.log(`removed ${opts.remove}`);
        } else {
          await enroll(runtime, images, opts);
        }
      } finally {
        await runtime.close();
      }
    });
}

type TemplateInfo = Omit<ExclusionTemplate, 'embedding'>;

function printTemplates(site: string, templates: TemplateInfo[]): void {
  for (const t of templates)
    console.log(`${t.templateId}  ${t.label}  ${t.images} photo(s)  enrolled ${new Date(t.enrolledMs).toISOString()}`);
  console.log(`${templates.length} enrolled at ${site}`);
}

function printEnrolled({ template, skipped }: EnrollResult): void {
  console.log(
    `enrolled ${template.templateId} as ${template.label} at ${template.siteId} from ${template.images} photo(s)`,
  );
  for (const s of skipped) console.log(`  skipped ${s.file}: ${s.reason}`);
}

async function enrollThroughOwner(owner: OwnerClient, images: string[], opts: EnrollOptions): Promise<void> {
  if (opts.list)
    return printTemplates(
      opts.site,
      await ownerJson<TemplateInfo[]>(owner, '/v1/enroll', { action: 'list', site: opts.site }),
    );
  if (opts.remove) {
    const { removed } = await ownerJson<{ removed: boolean }>(owner, '/v1/enroll', {
      action: 'remove',
      site: opts.site,
      templateId: opts.remove,
    });
    if (!removed) throw new Error(`no template ${opts.remove} at ${opts.site}`);
    console.log(`removed ${opts.remove}`);
    return;
  }
  printEnrolled(
    await ownerJson<EnrollResult>(owner, '/v1/enroll', {
      action: 'enroll',
      site: opts.site,
      label: opts.label,
      files: images.map((f) => resolve(f)),
    }),
  );
}

async function enroll(
  runtime: Awaited<ReturnType<typeof openRuntime>>,
  images: string[],
  opts: EnrollOptions,
): Promise<void> {
  const pipeline = await FacePipeline.load();
  const bar = createProgressBar('enroll', 'photos');
  const started = Date.now();
  bar.start(images.length, 0, { faces: 0, rate: '0' });
  try {
    const result = await enrollFaces(
      { siteId: opts.site, label: opts.label, files: images },
      {
        pipeline,
        store: runtime.store,
        minAgreementCosine: runtime.config.matching.matchMinCosine,
        onProgress: (done) => bar.update(done, { rate: ratePerSecond(done, started) }),
      },
    );
    bar.stop();
    printEnrolled(result);
  } finally {
    bar.stop();
    await pipeline.close();
  }
}
