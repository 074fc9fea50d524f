/**
 * Import rules of burn, generated from the layer table of ARCHITECTURE.md so that the page and
 * the check cannot drift apart: each row `| `src/<folder>/` | holds | may import |` becomes a
 * rule allowing exactly the folders named in backticks in its last cell. `npm test` runs this
 * (test/architecture/layering.test.ts); by hand: `npx depcruise src`.
 */
const { readFileSync } = require('node:fs');
const path = require('node:path');

const ARCHITECTURE = path.join(__dirname, 'ARCHITECTURE.md');

/** The layer table: folder name -> folders it may import. */
function readLayers(file) {
  const layers = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const folder = /^`src\/([a-z0-9-]+)\/`$/.exec(cells[1] ?? '');
    if (!folder || cells.length < 5) continue;
    const allowed = [...cells[3].matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);
    layers.set(folder[1], allowed);
  }
  if (layers.size === 0) throw new Error(`${file}: no layer table rows found`);
  for (const [folder, allowed] of layers) {
    for (const name of allowed) {
      if (!layers.has(name)) throw new Error(`${file}: the row of src/${folder}/ may import "${name}", which has no row of its own`);
    }
  }
  return layers;
}

const layers = readLayers(ARCHITECTURE);
const known = [...layers.keys()];
const anyOf = (names) => `^src/(${names.join('|')})/`;

const layerRules = [...layers].map(([folder, allowed]) => ({
  name: `layer-${folder}`,
  severity: 'error',
  comment: `src/${folder}/ may import only ${allowed.length ? allowed.map((a) => `src/${a}/`).join(', ') : 'its own folder'} (ARCHITECTURE.md, Layers)`,
  from: { path: `^src/${folder}/` },
  to: { path: '^src/', pathNot: anyOf([folder, ...allowed]) },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'folder-in-architecture',
      severity: 'error',
      comment: 'every folder of src/ has a row in the layer table of ARCHITECTURE.md',
      from: { path: '^src/', pathNot: anyOf(known) },
      to: {},
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'no import cycles between modules (type-only imports vanish at run time and do not count)',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      // No exceptions: type-only imports count too (a type a folder does not export is private).
      name: 'through-index',
      severity: 'error',
      comment: "another folder is imported through its index.ts; src/shared/ is a set of leaf modules imported by path (ARCHITECTURE.md, Rules)",
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$', '^src/shared/'] },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: 'src/ is what users run: it imports no devDependency',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'every import resolves',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: path.join(__dirname, 'tsconfig.json') },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
