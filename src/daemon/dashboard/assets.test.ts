/** The bundles, built by the real esbuild in process from a temporary source folder. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DashboardAssets } from './assets.ts';

const dir = mkdtempSync(join(tmpdir(), 'gantry-assets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('before the page exists each file answers 503 naming the missing file', async () => {
  const assets = new DashboardAssets(join(dir, 'none'));
  assert.equal(assets.page().status, 503);
  const script = await assets.appJs();
  assert.equal(script.status, 503);
  assert.match(script.body, /the dashboard is not available yet: .*none\/app\.ts does not exist/);
});

test('app.ts is bundled for the browser with its imports (uPlot from node_modules) and its CSS', async () => {
  writeFileSync(
    join(dir, 'app.ts'),
    "import uPlot from 'uplot';\nimport 'uplot/dist/uPlot.min.css';\nexport const chart: number = typeof uPlot === 'function' ? 1 : 0;\n",
  );
  writeFileSync(join(dir, 'app.css'), 'body { margin: 0 }\n');
  const assets = new DashboardAssets(dir);
  const script = await assets.appJs();
  assert.equal(script.status, 200, script.body);
  assert.match(script.body, /u-legend/, 'uPlot is inside the bundle');
  assert.doesNotMatch(script.body, /: number/, 'TypeScript is compiled away');
  const css = await assets.appCss();
  assert.equal(css.status, 200, css.body);
  assert.match(css.body, /body\{margin:0\}/);
  assert.match(css.body, /\.uplot/, 'CSS imported by app.ts is served with app.css');
});

test('a bundle is rebuilt when an input changed (an edit shows on reload); a syntax error answers 500 with where it is', async () => {
  writeFileSync(join(dir, 'app.ts'), "export const a = 'first';\n");
  const assets = new DashboardAssets(dir);
  assert.match((await assets.appJs()).body, /first/);
  writeFileSync(join(dir, 'app.ts'), "export const a = 'second';\n");
  const later = new Date(Date.now() + 5000);
  utimesSync(join(dir, 'app.ts'), later, later);
  assert.match((await assets.appJs()).body, /second/);

  writeFileSync(join(dir, 'app.ts'), 'export const a = ;\n');
  const broken = await assets.appJs();
  assert.equal(broken.status, 500);
  assert.match(broken.body, /could not be built from .*app\.ts/);
  assert.match(broken.body, /app\.ts:1:\d+/);
});
