#!/usr/bin/env node
// Builds the CLI: src/ (TypeScript) → dist/ (JavaScript), which bin/gantry.js runs.
//   - One esbuild bundle of src/cli/main.ts, split at every dynamic import: a command's code
//     (and the packages it imports) loads only when that command runs.
//   - The pure-JavaScript packages a command needs at once are bundled in (BUNDLED); the others
//     stay in node_modules, loaded by Node as they are (native addons, esbuild's own binary and
//     client-node's files all keep working).
//   - Flat: every output file sits directly in dist/, one folder below the project, as
//     src/root.ts expects (it finds package.json, bin/, data/ and src/dashboard from there).
//   - dist/build.json lists the source files that went in, with their modification times, so a
//     stale build can be told (staleInput) without building again; and what each output file
//     holds (the packages bundled in, those it imports from node_modules when it loads), so a
//     test can tell what a command loads.
// `npm ci` runs it (the prepare script); `npm test`, `npm start` and `npm run bench` run it first.
// Type checking is not its job: `npm run lint` runs tsc.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const MANIFEST = join(DIST, 'build.json');
const ENTRIES = [
  'src/cli/main.ts',
  'src/cli/output.ts',
  // Processes of their own that `gantry up` and the daemon start (issue 17): the supervisor, and
  // the proxy's primary and workers. Plain JavaScript from here: no TypeScript loader in them.
  'src/daemon/supervisor-main.ts',
  'src/local/proxy/proxy-main.ts',
  'src/local/proxy/proxy-worker.ts',
];
/**
 * Pure-JavaScript packages bundled in: Node then reads one chunk instead of hundreds of files
 * (kubernetes-models alone is 1,600 modules; esbuild keeps only the kinds Gantry validates).
 * Every other package stays in node_modules, loaded by Node as it is: native addons
 * (better-sqlite3), esbuild's binary, client-node, undici, prom-client.
 */
const BUNDLED = [
  'commander',
  'yaml',
  'zod',
  'js-yaml',
  'picomatch',
  'kubernetes-models',
  '@kubernetes-models/',
];

/** @type {import('esbuild').Plugin} */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path, importer }) => {
      // re2-wasm (@kubernetes-models/validate's regular expressions) finds its .wasm beside its own
      // file through __dirname: it stays in node_modules even when a bundled package imports it.
      if (path === 're2-wasm') return { path, external: true };
      if (!importer.startsWith(join(ROOT, 'src'))) return undefined; // a bundled package's own imports
      const bundled = BUNDLED.some(
        (name) => path === name || path.startsWith(name.endsWith('/') ? name : `${name}/`),
      );
      return bundled ? undefined : { path, external: true };
    });
  },
};

/** Builds dist/ and removes what an earlier build left there. @returns {Promise<{ files: number, ms: number }>} */
export async function buildCli() {
  const started = performance.now();
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: DIST,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [externalPackages],
    // The bundled CommonJS packages require() Node's own modules: give the ES modules a require.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    // Flat, whatever folder an entry comes from (src/root.ts): its file name alone.
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    // Maps for stack traces under --verbose (bin/gantry.js turns them on then); no copy of the sources.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = new Set(Object.keys(result.metafile.outputs).map((file) => join(ROOT, file)));
  for (const file of outputs)
    if (relative(DIST, file).includes('/'))
      throw new Error(`${file} is not directly in dist/ (see src/root.ts)`);
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs).map((file) => [file, statSync(join(ROOT, file)).mtimeMs]),
  );
  const holds = Object.fromEntries(
    Object.entries(result.metafile.outputs).map(([file, output]) => [
      relative(DIST, join(ROOT, file)),
      [
        ...new Set([
          ...Object.keys(output.inputs).map(packageOf),
          // Imported when the file loads (not a dynamic import(), which waits for its call).
          ...output.imports
            .filter((i) => i.external && i.kind !== 'dynamic-import' && !isBuiltin(i.path))
            .map((i) => packageOf(i.path)),
        ]),
      ].filter((name) => name !== undefined),
    ]),
  );
  writeFileSync(MANIFEST, `${JSON.stringify({ inputs, holds }, null, 1)}\n`);
  outputs.add(MANIFEST);
  for (const name of readdirSync(DIST)) if (!outputs.has(join(DIST, name))) rmSync(join(DIST, name));
  return { files: outputs.size, ms: performance.now() - started };
}

/** `node_modules/@scope/name/x.js` or `@scope/name/x` → `@scope/name`; a source file → undefined. */
function packageOf(/** @type {string} */ path) {
  const name = /^(?:.*node_modules\/)?((?:@[^/]+\/)?[^/.][^/]*)/.exec(path);
  return path.startsWith('src/') || !name ? undefined : name[1];
}

/**
 * The first source file that changed (or went away) since dist/ was built, "dist/" when there
 * is no build, or undefined when the build is current.
 * @returns {string | undefined}
 */
export function staleInput() {
  /** @type {{ inputs: Record<string, number> }} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return 'dist/';
  }
  for (const [file, mtime] of Object.entries(manifest.inputs)) {
    let now;
    try {
      now = statSync(join(ROOT, file)).mtimeMs;
    } catch {
      return file;
    }
    if (now !== mtime) return file;
  }
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { files, ms } = await buildCli();
  console.log(`built dist/ (${files} files) in ${(ms / 1000).toFixed(1)} s`);
}
