/**
 * The status page's static files, bundled by esbuild from ui/client/ into `ui/dist/<hash>/` (gitignored), where
 * the hash is of every input (the client's sources, the alert thresholds it imports, esbuild's version): a start
 * with unchanged sources serves the files already there, and a changed source gets a new directory, so browsers
 * may cache the assets for ever. Built once per process, on first use; the directory appears by rename only when
 * complete, so a crash mid-build never leaves a half bundle that a later start would serve.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, stop as stopEsbuild, version as esbuildVersion } from 'esbuild';

const UI_DIR = fileURLToPath(new URL('..', import.meta.url));
const CLIENT_DIR = join(UI_DIR, 'client');
const DIST_DIR = join(UI_DIR, 'dist');
/** Inputs outside ui/client/ that the bundle includes (the libraries by their package.json, which names the version). */
const SHARED_INPUTS = ['../../dashboards/alerts/thresholds.ts', '../../node_modules/preact/package.json', '../../node_modules/uplot/package.json'].map((p) =>
  fileURLToPath(new URL(p, import.meta.url)),
);

export interface StatusUiBundle {
  /** The content hash, also the assets' URL segment. */
  hash: string;
  /** The directory holding main.js, main.css and index.html. */
  dir: string;
  /** index.html, whose asset URLs carry the hash. */
  indexHtml: string;
}

/** Where the assets are served: `/status-ui/<hash>/`. */
export const assetPrefix = (hash: string): string => `/status-ui/${hash}/`;

let building: Promise<StatusUiBundle> | undefined;

export function statusUiBundle(): Promise<StatusUiBundle> {
  if (building === undefined) {
    building = buildOnce();
    // A failed build (a syntax error while editing) is tried again at the next request.
    building.catch(() => (building = undefined));
  }
  return building;
}

async function buildOnce(): Promise<StatusUiBundle> {
  const hash = await inputHash();
  let dir = join(DIST_DIR, hash);
  if (!existsSync(join(dir, 'index.html'))) {
    // An install the running user cannot write to (a global npm install) builds into the temp dir instead.
    const writable = await mkdir(DIST_DIR, { recursive: true }).then(() => true, () => false);
    if (!writable) dir = join(tmpdir(), 'minidc-status-ui', hash);
  }
  if (!existsSync(join(dir, 'index.html'))) {
    const temp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    await mkdir(temp, { recursive: true });
    try {
      await build({
        entryPoints: { main: join(CLIENT_DIR, 'main.tsx') },
        bundle: true,
        minify: true,
        format: 'esm',
        target: 'es2022',
        jsx: 'automatic',
        jsxImportSource: 'preact',
        outdir: temp,
        logLevel: 'silent',
        legalComments: 'none',
      });
      const template = await readFile(join(CLIENT_DIR, 'index.html'), 'utf8');
      await writeFile(join(temp, 'index.html'), template.replaceAll('%ASSETS%', assetPrefix(hash)));
      await rename(temp, dir).catch((err: NodeJS.ErrnoException) => {
        // Another process built the same hash first: its directory is as good as ours.
        if (!existsSync(join(dir, 'index.html'))) throw err;
      });
    } finally {
      // esbuild keeps a service process for further builds; there are none, so it need not outlive this one.
      await stopEsbuild();
      await rm(temp, { recursive: true, force: true });
    }
  }
  return { hash, dir, indexHtml: await readFile(join(dir, 'index.html'), 'utf8') };
}

async function inputHash(): Promise<string> {
  const files = [...(await sourceFiles(CLIENT_DIR)), ...SHARED_INPUTS];
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\n`);
  for (const file of files) hash.update(`${relative(UI_DIR, file)}\n`).update(await readFile(file));
  return hash.digest('hex').slice(0, 16);
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
