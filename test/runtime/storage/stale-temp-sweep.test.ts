// The start-up sweep of temp files an interrupted writeFileAtomic leaves, against a real directory tree.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { isAtomicTempFile, writeFileAtomic } from '../../../runtime/storage/atomic-file.ts';
import { removeStaleTempFiles } from '../../../runtime/storage/stale-temp-sweep.ts';

let root = '';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'minidc-sweep-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The name writeFileAtomic gives its temp file for `name` (`.<name>.<12 hex>.tmp`). */
const tempName = (name: string, hex = '0123456789ab') => `.${name}.${hex}.tmp`;

async function put(dir: string, name: string, content = 'x'): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

test('the names used here are the ones writeFileAtomic leaves, and only those', () => {
  assert.equal(isAtomicTempFile(tempName('registry.json')), true);
  assert.equal(isAtomicTempFile(tempName('task.status', 'deadbeef0042')), true);
  for (const name of ['registry.json', '.registry.json.tmp', 'registry.json.0123456789ab.tmp', tempName('x', '0123456789a'), tempName('x', '0123456789AB'), `${tempName('x')}.bak`])
    assert.equal(isAtomicTempFile(name), false, name);
});

test('temp files in nested dirs are removed; state files, look-alikes and skipped dirs are kept', async () => {
  const dir = join(root, 'tree');
  const master = join(dir, 'nodes', '127.0.1.1', 'mesos-master');
  const meta = join(dir, 'nodes', '127.0.2.1', 'mesos-agent', 'meta', 'slaves', 'S0', 'frameworks', 'fw', 'executors', 'e', 'runs', 'c');
  const sandbox = join(dir, 'nodes', '127.0.2.1', 'mesos-agent', 'slaves', 'S0', 'frameworks', 'fw', 'executors', 'e', 'runs', 'c');
  const stale = [
    await put(dir, tempName('endpoints.json')),
    await put(master, tempName('registry.json')),
    await put(meta, tempName('task.status', 'a1b2c3d4e5f6')),
    await put(join(dir, 'nodes', '127.0.1.1', 'marathon'), tempName('apps.json', 'ffffffffffff')),
  ];
  await put(master, 'registry.json', '{"agents":[]}');
  await put(meta, 'task.info', '{}');
  await put(dir, '.registry.json.tmp');
  await put(dir, 'notes.0123456789ab.tmp');
  // A task's sandbox holds the task's own files, whatever their names.
  await put(sandbox, tempName('output.json'));
  await put(sandbox, 'stdout');

  const removed = await removeStaleTempFiles(dir, { skip: (d) => d.endsWith(join('mesos-agent', 'slaves')) });

  assert.deepEqual([...removed].sort(), [...stale].sort());
  for (const path of stale) assert.equal(existsSync(path), false, path);
  assert.deepEqual(await listTree(dir), [
    'tree/.registry.json.tmp',
    'tree/nodes/127.0.1.1/mesos-master/registry.json',
    'tree/nodes/127.0.2.1/mesos-agent/meta/slaves/S0/frameworks/fw/executors/e/runs/c/task.info',
    `tree/nodes/127.0.2.1/mesos-agent/slaves/S0/frameworks/fw/executors/e/runs/c/${tempName('output.json')}`,
    'tree/nodes/127.0.2.1/mesos-agent/slaves/S0/frameworks/fw/executors/e/runs/c/stdout',
    'tree/notes.0123456789ab.tmp',
  ]);
});

test('without skip, every dir is swept; a second sweep finds nothing', async () => {
  const dir = join(root, 'all');
  const deep = await put(join(dir, 'a', 'b', 'c'), tempName('state.json'));
  assert.deepEqual(await removeStaleTempFiles(dir), [deep]);
  assert.deepEqual(await removeStaleTempFiles(dir), []);
});

test('a file written by writeFileAtomic is kept, with no temp file beside it', async () => {
  const dir = join(root, 'written');
  await mkdir(dir);
  await writeFileAtomic(join(dir, 'state.json'), '{"ok":true}');
  assert.deepEqual(await removeStaleTempFiles(dir), []);
  assert.deepEqual(await readdir(dir), ['state.json']);
});

test('a data dir that does not exist yet is nothing to sweep', async () => {
  assert.deepEqual(await removeStaleTempFiles(join(root, 'no-such-dir')), []);
});
