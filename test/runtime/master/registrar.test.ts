import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registrar, RegistrarError } from '../../../runtime/master/registrar.ts';

const tempDir = () => mkdtemp(join(tmpdir(), 'minidc-registrar-'));

test('state survives a restart: a new registrar recovers what the last one stored', async () => {
  const dir = await tempDir();
  const path = join(dir, 'master', 'registry.json');
  const first = new Registrar(path);
  assert.deepEqual((await first.recover()).agents, []);
  await first.apply((r) => {
    r.masterId = 'm1';
    r.agents.push({ id: 'm1-S0', hostname: '127.0.2.1', resources: 'cpus:2;mem:1024', attributes: {} });
    r.weights['analytics'] = 2;
    r.quotas['analytics'] = { guarantees: 'cpus:1', limits: 'cpus:1' };
    return true;
  });
  const second = new Registrar(path);
  const recovered = await second.recover();
  assert.equal(recovered.masterId, 'm1');
  assert.equal(recovered.agents[0]!.hostname, '127.0.2.1');
  assert.equal(recovered.weights['analytics'], 2);
  assert.deepEqual(recovered.quotas['analytics'], { guarantees: 'cpus:1', limits: 'cpus:1' });
  assert.deepEqual(await readdir(join(dir, 'master')), ['registry.json'], 'no temp files left behind');
});

test('operations arriving during a store are batched, and each caller learns when its change is durable', async () => {
  const dir = await tempDir();
  const path = join(dir, 'registry.json');
  const registrar = new Registrar(path);
  await registrar.recover();
  const ops = Array.from({ length: 50 }, (_, i) =>
    registrar.apply((r) => {
      r.agents.push({ id: `S${i}`, hostname: `h${i}`, resources: 'cpus:1', attributes: {} });
      return true;
    }),
  );
  assert.ok((registrar.snapshot({})['registrar/queued_operations'] ?? 0) > 0, 'operations wait while a store runs');
  assert.deepEqual(await Promise.all(ops), Array(50).fill(true));
  const onDisk = JSON.parse(await readFile(path, 'utf8')) as { agents: unknown[] };
  assert.equal(onDisk.agents.length, 50);
  const m = registrar.snapshot({});
  assert.equal(m['registrar/queued_operations'], 0);
  assert.ok(m['registrar/state_store_ms/count']! >= 2 && m['registrar/state_store_ms/count']! < 50, `stores: ${m['registrar/state_store_ms/count']}`);
  assert.equal(m['registrar/registry_size_bytes'], Buffer.byteLength(await readFile(path, 'utf8')));
  assert.equal(typeof m['registrar/state_fetch_ms'], 'number');
  assert.equal(m['registrar/state_fetch_ms/count'], undefined, 'state_fetch has no statistics window in Mesos');
});

test('an operation that changes nothing is not written; a failing one leaves the registry untouched', async () => {
  const dir = await tempDir();
  const path = join(dir, 'registry.json');
  const registrar = new Registrar(path);
  await registrar.recover();
  assert.equal(await registrar.apply(() => false), false);
  await assert.rejects(readFile(path), { code: 'ENOENT' });
  await registrar.apply((r) => ((r.masterId = 'keep'), true));
  await assert.rejects(
    registrar.apply((r) => {
      r.masterId = 'changed';
      throw new Error('agent already admitted');
    }),
    /already admitted/,
  );
  assert.equal(registrar.current().masterId, 'keep');
  assert.equal((await new Registrar(path).recover()).masterId, 'keep');
});

test('a corrupt registry file is a clear error, not a silent reset', async () => {
  const dir = await tempDir();
  const path = join(dir, 'registry.json');
  await writeFile(path, '{"agents": [');
  await assert.rejects(new Registrar(path).recover(), (e: unknown) => e instanceof RegistrarError && /not valid JSON/.test((e as Error).message));
  await assert.rejects(new Registrar(path).apply(() => true), /not recovered/);
});

test('registrar/log/recovered is 0 until the registry has been read, 1 after, and stays 0 when it cannot be', async () => {
  const dir = await tempDir();
  const registrar = new Registrar(join(dir, 'registry.json'));
  assert.equal(registrar.snapshot({})['registrar/log/recovered'], 0);
  await registrar.recover();
  assert.equal(registrar.snapshot({})['registrar/log/recovered'], 1);
  await writeFile(join(dir, 'broken.json'), '{ not json');
  const broken = new Registrar(join(dir, 'broken.json'));
  await assert.rejects(broken.recover(), RegistrarError);
  assert.equal(broken.snapshot({})['registrar/log/recovered'], 0);
});
