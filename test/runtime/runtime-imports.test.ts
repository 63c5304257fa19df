// The layering of runtime/: every import of every runtime/**/*.ts file, checked against a few rules, so a shortcut
// across layers fails here instead of growing into a tangle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const RUNTIME = fileURLToPath(new URL('../../runtime/', import.meta.url));

/** Folders everything else builds on; they import only each other. */
const GROUND_FLOOR = new Set(['mesos', 'time', 'units', 'storage', 'http', 'metrics', 'telemetry']);

/** Sideways imports that are not allowed between folders of the same floor (folder → folders it must not import). */
const FORBIDDEN: Record<string, readonly string[]> = {
  agent: ['master', 'marathon'],
  // Everything of the agent the master needs is protocol, in mesos/.
  master: ['agent', 'marathon'],
};

interface Edge {
  from: string;
  to: string;
  /** The importing file and the specifier, for the failure message. */
  where: string;
}

/**
 * A component's node-service descriptor (`<component>/…-service.ts`).
 * It lives beside its component but belongs to the composition layer: it wires the component into a node
 * (ports, peers, the leading master) through cluster/'s contract, which no other file of a component may import.
 */
const DESCRIPTOR = /-service\.ts$/;

/**
 * `cluster/cluster.ts` → `cluster`; a descriptor counts as `cluster` (see DESCRIPTOR); a file directly in runtime/
 * (`cli.ts`) is a folder of its own.
 */
function topFolder(path: string): string {
  const folder = relative(RUNTIME, path).split(sep)[0]!;
  return DESCRIPTOR.test(path) && !folder.startsWith('..') ? 'cluster' : folder;
}

function runtimeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return runtimeFiles(path);
    return d.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import (static, re-export, dynamic, type-only) between two different top-level folders. */
function crossFolderImports(): Edge[] {
  const edges: Edge[] = [];
  for (const file of runtimeFiles(RUNTIME)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue; // node: builtins and packages
      const target = resolve(dirname(file), fileName);
      const from = topFolder(file);
      const to = topFolder(target);
      if (to.startsWith('..')) continue; // outside runtime/: not this test's concern
      if (from !== to) edges.push({ from, to, where: `${relative(RUNTIME, file)} imports '${fileName}'` });
    }
  }
  return edges;
}

/** One cycle through the folder graph, as a path `a → b → a`, or undefined. */
function findCycle(edges: Edge[]): string[] | undefined {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
  }
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const n of next.get(node) ?? []) {
      const cycle = visit(n);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of next.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

const edges = crossFolderImports();

test('the import scan sees the runtime (a sanity check on the scan itself)', () => {
  assert.ok(edges.some((e) => e.from === 'master' && e.to === 'mesos'), 'master imports mesos/');
  assert.ok(edges.some((e) => e.from === 'cluster' && e.to === 'agent'), 'cluster imports agent/');
});

test('no import cycle between the top-level folders of runtime/', () => {
  const cycle = findCycle(edges);
  const hint = cycle && edges.filter((e) => cycle.some((c, i) => c === e.from && cycle[i + 1] === e.to)).map((e) => e.where);
  assert.equal(cycle, undefined, cycle && `cycle ${cycle.join(' → ')}:\n  ${hint!.join('\n  ')}`);
});

test('the ground floor (mesos, time, units, storage, http, metrics, telemetry) imports nothing above it', () => {
  const upward = edges.filter((e) => GROUND_FLOOR.has(e.from) && !GROUND_FLOOR.has(e.to)).map((e) => e.where);
  assert.deepEqual(upward, []);
});

test('components reach cluster/ only from their descriptors (*-service.ts)', () => {
  // cli.ts, the `minidc` command, is the one file above cluster/.
  const intoCluster = edges.filter((e) => e.to === 'cluster' && e.from !== 'cluster' && e.from !== 'cli.ts').map((e) => e.where);
  assert.deepEqual(intoCluster, []);
  assert.ok(edges.some((e) => e.where.startsWith(`agent${sep}agent-service.ts`) && e.to === 'agent'), 'a descriptor counts as cluster/');
});

test('agent/ and master/ reach each other (and marathon/) only through mesos/', () => {
  const sideways = edges.filter((e) => FORBIDDEN[e.from]?.includes(e.to)).map((e) => e.where);
  assert.deepEqual(sideways, []);
});
