/** Fetches the face models named in manifest.json into models/onnx/; also runs as a CLI. */
import { fileURLToPath } from 'node:url';
import { ChecksumError, fetchPackageFiles, type FetchReport } from './fetch-package-files.ts';
import { MODELS_DIR, manifest } from './read-manifest.ts';

/** Makes models/onnx/ hold every model of the manifest with its pinned sha256 (no-op when it does). */
export async function fetchModels(destDir: string = MODELS_DIR): Promise<FetchReport> {
  const { source, models } = manifest;
  return fetchPackageFiles(
    {
      package: source.package,
      version: source.version,
      integrity: source.integrity,
      files: models.map((m) => ({ path: m.path, sha256: m.sha256, as: m.name })),
    },
    destDir,
  );
}

async function main(): Promise<void> {
  try {
    const report = await fetchModels();
    const { package: pkg, version } = manifest.source;
    console.log(
      report.downloaded ? `downloaded ${pkg}@${version} (integrity ok)` : `all models present, nothing to download`,
    );
    for (const f of report.files) console.log(`  ${f.status.padEnd(9)} ${f.dest}  (sha256 ok)`);
  } catch (err) {
    const why = err instanceof ChecksumError ? 'refusing to use the models' : 'could not fetch the models';
    console.error(`fetch-models: ${why}: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
