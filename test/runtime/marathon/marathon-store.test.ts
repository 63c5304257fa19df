import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MarathonStore, type StoredState } from '../../../runtime/marathon/marathon-store.ts';

test('saves are atomic, folded together while a write is in flight, and load back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'marathon-store-'));
  try {
    const store = new MarathonStore(join(dir, 'nested', 'state.json'));
    assert.equal(await store.load(), undefined);
    let snapshots = 0;
    let frameworkId = 'fw-0';
    const snapshot = (): StoredState => {
      snapshots++;
      return { version: 1, frameworkId, apps: [], tasks: [] };
    };
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 20; i++) {
      frameworkId = `fw-${i}`;
      saves.push(store.save(snapshot));
    }
    await Promise.all(saves);
    assert.ok(snapshots < 20, `20 saves took ${snapshots} writes`);
    assert.equal((await store.load())?.frameworkId, 'fw-20');
    assert.deepEqual(await readdir(join(dir, 'nested')), ['state.json'], 'no temp files left');
    await store.flush();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a state file of another version is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'marathon-store-'));
  try {
    const store = new MarathonStore(join(dir, 'state.json'));
    await store.save(() => ({ version: 2 }) as unknown as StoredState);
    assert.match(await readFile(join(dir, 'state.json'), 'utf8'), /"version":2/);
    await assert.rejects(store.load(), /unsupported state version 2/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
