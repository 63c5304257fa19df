// What a task gets of the node's DNS: the process executor copies the node's resolv.conf (as gen-resolvconf wrote
// it) into the sandbox at launch and names it in RESOLV_CONF, and names the node's forwarder in MINIDC_DNS (the one
// way to reach a forwarder not on port 53). A task launched before any resolv.conf exists starts without one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessExecutor } from '../../../runtime/agent/process-executor.ts';
import type { TaskSpec } from '../../../runtime/agent/task-spec.ts';
import { StatusRecorder } from '../agent/status-recorder.ts';

let root = '';
let seq = 0;
const executors: ProcessExecutor[] = [];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'minidc-task-dns-'));
  await chmod(root, 0o755);
});
after(async () => {
  await Promise.all(executors.map((e) => e.shutdown()));
  await rm(root, { recursive: true, force: true });
});

function task(command: string): TaskSpec {
  const taskId = `task-${++seq}`;
  return { taskId, frameworkId: 'framework-1', command: { value: command }, env: {}, sandboxDir: join(root, taskId), ports: [], host: '127.0.2.1' };
}

async function runToEnd(e: ProcessExecutor, spec: TaskSpec): Promise<string> {
  const r = new StatusRecorder();
  e.launch(spec, r.listener);
  assert.equal((await r.waitForTerminal()).state, 'TASK_FINISHED');
  return readFile(join(spec.sandboxDir, 'stdout'), 'utf8');
}

test('the sandbox holds a copy of the node resolv.conf named by RESOLV_CONF, and MINIDC_DNS names the forwarder', async () => {
  const nodeConf = join(root, 'node', 'etc', 'resolv.conf');
  await mkdir(join(root, 'node', 'etc'), { recursive: true });
  await writeFile(nodeConf, 'options timeout:1\nnameserver 127.0.2.1\n', { mode: 0o600 });
  const e = new ProcessExecutor({ resolvConfPath: nodeConf, dnsForwarder: () => '127.0.2.1:53' });
  executors.push(e);
  const spec = task('echo "$RESOLV_CONF|$MINIDC_DNS"; cat "$RESOLV_CONF"');
  const out = await runToEnd(e, spec);
  const copy = join(spec.sandboxDir, 'resolv.conf');
  assert.equal(out, `${copy}|127.0.2.1:53\noptions timeout:1\nnameserver 127.0.2.1\n`);
  assert.equal((await stat(copy)).mode & 0o777, 0o644);

  // A copy at launch: the node's file changing later leaves the task's as it was.
  await writeFile(nodeConf, 'nameserver 10.0.0.1\n');
  assert.equal(await readFile(copy, 'utf8'), 'options timeout:1\nnameserver 127.0.2.1\n');
});

test('before any resolv.conf is written a task starts without RESOLV_CONF', async () => {
  const e = new ProcessExecutor({ resolvConfPath: join(root, 'nowhere', 'resolv.conf'), dnsForwarder: () => undefined });
  executors.push(e);
  const spec = task('echo "[${RESOLV_CONF-unset}][${MINIDC_DNS-unset}]"');
  assert.equal(await runToEnd(e, spec), '[unset][unset]\n');
  assert.equal(existsSync(join(spec.sandboxDir, 'resolv.conf')), false);
});
