// Task port blocks for clusters with ephemeral ports, against real data dirs and a private claims dir.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BLOCK_AREA, BLOCK_SIZE, claimTaskPortBlock, TaskPortBlockError } from '../../../runtime/cluster/task-port-block.ts';

let root = '';
let seq = 0;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'minidc-port-blocks-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh machine: its own claims dir, and a factory of data dirs on it. */
function machine(): { claimsDir: string; dataDir: () => string; claim: (dataDir: string) => string } {
  const base = join(root, `machine-${++seq}`);
  const claimsDir = join(base, 'claims');
  let n = 0;
  return {
    claimsDir,
    dataDir: () => {
      const d = join(base, `data-${++n}`);
      mkdirSync(d, { recursive: true });
      return d;
    },
    claim: (dataDir) => claimTaskPortBlock(dataDir, { claimsDir }),
  };
}

function bounds(range: string): [number, number] {
  const m = /^\[(\d+)-(\d+)\]$/.exec(range);
  assert.ok(m, `Mesos range text: ${range}`);
  return [Number(m[1]), Number(m[2])];
}

const overlaps = (a: string, b: string) => {
  const [a0, a1] = bounds(a);
  const [b0, b1] = bounds(b);
  return a0 <= b1 && b0 <= a1;
};

test('two data dirs get disjoint blocks of BLOCK_SIZE ports below the kernel ephemeral range, kept in DATA_DIR/task-ports', () => {
  const m = machine();
  const a = m.dataDir();
  const b = m.dataDir();
  const ra = m.claim(a);
  const rb = m.claim(b);
  assert.equal(overlaps(ra, rb), false, `${ra} and ${rb}`);
  for (const [range, dir] of [[ra, a], [rb, b]] as const) {
    const [first, last] = bounds(range);
    assert.equal(last - first + 1, BLOCK_SIZE);
    assert.ok(first >= BLOCK_AREA.first && last <= BLOCK_AREA.last && last < 32768, range);
    assert.equal(readFileSync(join(dir, 'task-ports'), 'utf8'), `${range}\n`);
  }
});

test('a restart keeps its block, and a stopped cluster keeps it from others', () => {
  const m = machine();
  const a = m.dataDir();
  const ra = m.claim(a);
  const rb = m.claim(m.dataDir());
  assert.equal(m.claim(a), ra, 'the same block again');
  const rc = m.claim(m.dataDir());
  assert.equal(overlaps(rc, ra) || overlaps(rc, rb), false, 'a third cluster gets a block of its own');
});

test("a removed data dir's block is reclaimed by the next cluster", async () => {
  const m = machine();
  const a = m.dataDir();
  const ra = m.claim(a);
  m.claim(m.dataDir());
  await rm(a, { recursive: true });
  assert.equal(m.claim(m.dataDir()), ra);
});

test('a claim whose data dir names another block is stale', () => {
  const m = machine();
  const a = m.dataDir();
  const ra = m.claim(a);
  // The owner's data dir was reused with an explicit range since: the block is free again.
  writeFileSync(join(a, 'task-ports'), '[40000-40199]\n');
  assert.equal(m.claim(m.dataDir()), ra);
});

test('a kept block someone else holds now (claims wiped, e.g. /tmp cleaned) → a new block, task-ports rewritten', async () => {
  const m = machine();
  const a = m.dataDir();
  const ra = m.claim(a);
  await rm(m.claimsDir, { recursive: true });
  const b = m.dataDir();
  assert.equal(m.claim(b), ra, 'the wiped claim went to another cluster');
  const again = m.claim(a);
  assert.equal(overlaps(again, ra), false);
  assert.equal(readFileSync(join(a, 'task-ports'), 'utf8'), `${again}\n`);
  assert.equal(m.claim(b), ra, 'and the other keeps it');
});

test('every block taken → a TaskPortBlockError pointing at task_ports', () => {
  const m = machine();
  const blocks = Math.floor((BLOCK_AREA.last - BLOCK_AREA.first + 1) / BLOCK_SIZE);
  const seen = new Set<string>();
  for (let i = 0; i < blocks; i++) seen.add(m.claim(m.dataDir()));
  assert.equal(seen.size, blocks);
  assert.throws(() => m.claim(m.dataDir()), (err: unknown) => {
    assert.ok(err instanceof TaskPortBlockError);
    assert.match(err.message, /no free block of task ports left in 20000-31999 .*'task_ports'/);
    return true;
  });
});

test('processes claiming at the same moment get disjoint blocks', async () => {
  const m = machine();
  const dirs = Array.from({ length: 4 }, () => m.dataDir());
  const moduleUrl = new URL('../../../runtime/cluster/task-port-block.ts', import.meta.url).href;
  // Each child loads the module, says "ready", and claims when stdin closes: the same go for all.
  const script = `const { claimTaskPortBlock } = await import(${JSON.stringify(moduleUrl)});
    process.stdout.write('ready\\n');
    process.stdin.resume();
    process.stdin.on('end', () => process.stdout.write(claimTaskPortBlock(process.argv[1], { claimsDir: process.argv[2] })));`;
  const children = dirs.map((d) =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, d, m.claimsDir], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const outputs = children.map((c) => {
    let out = '';
    const ready = new Promise<void>((resolve) =>
      c.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.startsWith('ready\n')) resolve();
      }),
    );
    const done = new Promise<string>((resolve, reject) =>
      c.on('exit', (code) => (code === 0 ? resolve(out.slice('ready\n'.length)) : reject(new Error(`claim exited ${code}`)))),
    );
    return { ready, done };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const c of children) c.stdin.end();
  const ranges = await Promise.all(outputs.map((o) => o.done));
  for (let i = 0; i < ranges.length; i++)
    for (let j = i + 1; j < ranges.length; j++) assert.equal(overlaps(ranges[i]!, ranges[j]!), false, `${ranges[i]} / ${ranges[j]}`);
  ranges.forEach((r, i) => assert.equal(readFileSync(join(dirs[i]!, 'task-ports'), 'utf8'), `${r}\n`));
});
