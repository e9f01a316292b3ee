/**
 * The dashboard's files, served by the daemon: index.html as it is, app.js and app.css bundled
 * by esbuild from src/dashboard/app.ts and app.css (with uPlot from node_modules) on the first
 * request and kept in memory. No build step to forget, no CDN: it works offline.
 *
 * A bundle is rebuilt only when one of its input files changed since it was built (esbuild's
 * metafile lists them), so an edit to the page shows on reload while the daemon runs.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Message } from 'esbuild';
import { ROOT } from '../../root.ts';

export interface Asset {
  status: number;
  contentType: string;
  body: string;
}

export const DASHBOARD_SOURCE = join(ROOT, 'src/dashboard');

interface Bundle {
  js: string;
  /** CSS that app.ts imports (uPlot's stylesheet, for example), served after app.css. */
  importedCss: string;
  inputs: Map<string, number>;
}

export class DashboardAssets {
  private script: Promise<Bundle> | undefined;
  private style: Promise<Bundle> | undefined;

  constructor(private readonly dir = DASHBOARD_SOURCE) {}

  page(): Asset {
    const file = join(this.dir, 'index.html');
    if (!existsSync(file)) return missing(file);
    return { status: 200, contentType: 'text/html; charset=utf-8', body: readFileSync(file, 'utf8') };
  }

  async appJs(): Promise<Asset> {
    const entry = join(this.dir, 'app.ts');
    if (!existsSync(entry)) return missing(entry);
    if (!this.script || stale(await this.script.catch(() => undefined))) this.script = this.bundle(entry);
    try {
      return { status: 200, contentType: 'text/javascript; charset=utf-8', body: (await this.script).js };
    } catch (error) {
      this.script = undefined;
      return failed(entry, error);
    }
  }

  async appCss(): Promise<Asset> {
    const entry = join(this.dir, 'app.css');
    if (!existsSync(entry)) return missing(entry);
    if (!this.style || stale(await this.style.catch(() => undefined))) this.style = this.bundle(entry);
    try {
      const own = (await this.style).js;
      const script = existsSync(join(this.dir, 'app.ts')) ? await this.appJs() : undefined;
      const imported = script?.status === 200 ? await this.importedCss() : '';
      return { status: 200, contentType: 'text/css; charset=utf-8', body: `${own}${imported}` };
    } catch (error) {
      this.style = undefined;
      return failed(entry, error);
    }
  }

  private async importedCss(): Promise<string> {
    return (await this.script?.catch(() => undefined))?.importedCss ?? '';
  }

  private async bundle(entry: string): Promise<Bundle> {
    // esbuild (its module and its service process) only once the dashboard is asked for.
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      write: false,
      outdir: join(this.dir, 'out'),
      metafile: true,
      logLevel: 'silent',
      // Resolve bare imports (uplot) from the project's node_modules wherever the source sits.
      nodePaths: [join(ROOT, 'node_modules')],
    });
    const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
    const css = result.outputFiles.find((f) => f.path.endsWith('.css'));
    const main = entry.endsWith('.css') ? css : js;
    const inputs = new Map<string, number>();
    for (const input of Object.keys(result.metafile.inputs)) {
      const file = resolve(input);
      inputs.set(file, modified(file));
    }
    return {
      js: main?.text ?? '',
      importedCss: entry.endsWith('.css') ? '' : (css?.text ?? ''),
      inputs,
    };
  }
}

function stale(bundle: Bundle | undefined): boolean {
  if (!bundle) return true;
  for (const [file, mtime] of bundle.inputs) if (modified(file) !== mtime) return true;
  return false;
}

function modified(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function missing(file: string): Asset {
  return {
    status: 503,
    contentType: 'text/plain; charset=utf-8',
    body: `the dashboard is not available yet: ${relative(ROOT, file)} does not exist in this checkout\n`,
  };
}

async function failed(entry: string, error: unknown): Promise<Asset> {
  const errors = (error as { errors?: Message[] }).errors;
  const text = errors
    ? (await (await import('esbuild')).formatMessages(errors, { kind: 'error', color: false })).join('\n')
    : String((error as Error).message ?? error);
  return {
    status: 500,
    contentType: 'text/plain; charset=utf-8',
    body: `the dashboard could not be built from ${entry}:\n${text}\n`,
  };
}
