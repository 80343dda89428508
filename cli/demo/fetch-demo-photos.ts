/** The demo's visitors: MIT-licensed group photos from the npm package @vladmandic/face-api, fetched like the models. */
import { join } from 'node:path';
import { fetchPackageFiles, type PackageFilesSpec } from '../../models/index.ts';

const SAMPLE_SHA256 = [
  '8ecae4b267b2d3169e06e00c7dee97097aa2a94635d45216f7732a5f4943cb51',
  '7d2b60ae6f13bf30f422e04df87451081a02c83de469056f25afb44b7000c691',
  '8eb081c9efb14370fa94d9feab9e5fbeafd19a627491853a80c2bf67f7ffa936',
  '729efa5923061d40eb4ed5f267a18cc7b8ba6f852bb2757b16d8b7e4937476fc',
  '6d45095ebb182d8f975c0790e0e4eefd86fbb40609cf4b271776d92e12662938',
  '9baad80f9d5e306fb9b8c0913d44445f1e95848df317530efb03d0934c57ba87',
];

export const DEMO_PHOTOS: PackageFilesSpec = {
  package: '@vladmandic/face-api',
  version: '1.7.15',
  integrity: 'sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==',
  files: SAMPLE_SHA256.map((sha256, i) => ({ path: `package/demo/sample${i + 1}.jpg`, sha256 })),
};

/** Where the photos are kept: outside the repository's tracked files and outside any product data. */
export const DEMO_PHOTOS_DIR = join(process.cwd(), '.cache', 'demo-photos');

/** Fetches (or finds) the six sample photos; returns their paths. */
export async function fetchDemoPhotos(dir = DEMO_PHOTOS_DIR): Promise<string[]> {
  await fetchPackageFiles(DEMO_PHOTOS, dir);
  return DEMO_PHOTOS.files.map((f) => join(dir, f.path.split('/').pop()!));
}
