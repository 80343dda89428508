/**
 * The import graph's rules (npm run depcheck): layers point down, top-level folders form no cycle,
 * product code never imports tests or benchmarks. Layers, lowest first (docs/architecture.md); a
 * folder may import its own layer's folders only where PEERS allows it, and PEERS has no cycle.
 * So every product import between top-level folders points down or along PEERS: the folders form
 * no cycle by construction (tests and benchmarks import anything and are left out).
 */
const LAYERS = [
  ['schemas'],
  ['common', 'models'],
  ['storage', 'identity-registry'],
  ['ingest', 'reid-worker', 'reports'],
  ['analytics-api'],
  ['runtime'],
  ['simulator'],
  ['cli'],
  ['bin'],
];

/** Imports allowed inside a layer: the worker enrols staff and evaluates re-id with the camera worker's face pipeline. */
const PEERS = { 'reid-worker': ['ingest'] };

/** Tests and benchmarks may import anything; nothing imports them. */
const NOT_PRODUCT = '^(test|bench)/|\\.test\\.ts$|\\.test-helpers\\.ts$';

const folders = (list) => `^(${list.join('|')})/`;
const LAYERED = folders([...LAYERS.flat(), 'test', 'bench']);

const layerRules = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  return layer.flatMap((folder) => {
    const sideways = layer.filter((other) => other !== folder && !(PEERS[folder] ?? []).includes(other));
    const forbidden = [...above, ...sideways];
    if (forbidden.length === 0) return [];
    return [
      {
        name: `layer-${folder}`,
        severity: 'error',
        comment: `${folder}/ may import only lower layers${PEERS[folder] ? ` and ${PEERS[folder].join(', ')}` : ''}: not ${forbidden.join(', ')}`,
        from: { path: `^${folder}/`, pathNot: NOT_PRODUCT },
        to: { path: folders(forbidden) },
      },
    ];
  });
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-test-or-bench-in-product',
      severity: 'error',
      comment: 'product code never imports tests, their harness or the benchmarks',
      from: { pathNot: NOT_PRODUCT },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'folder-without-layer',
      severity: 'error',
      comment: 'every top-level folder with code has a layer in .dependency-cruiser.cjs: the rules above then cover it',
      from: { path: '^[^/]+/', pathNot: LAYERED },
      to: {},
    },
    {
      name: 'import-of-folder-without-layer',
      severity: 'error',
      comment: 'every top-level folder with code has a layer in .dependency-cruiser.cjs: the rules above then cover it',
      from: {},
      to: { path: '^[^./][^/]*/', pathNot: `${LAYERED}|^node_modules/`, dependencyTypesNot: ['core'] },
    },
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment: 'modules form no import cycle either (type-only imports included)',
      from: {},
      to: { circular: true },
    },
    {
      name: 'clickhouse-client-only-in-storage',
      severity: 'error',
      comment: 'ClickHouse is reached through storage/: only it imports @clickhouse/client',
      from: { path: '^(?!storage/)', pathNot: NOT_PRODUCT },
      to: { path: 'node_modules/@clickhouse/client/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^schemas/gen/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
