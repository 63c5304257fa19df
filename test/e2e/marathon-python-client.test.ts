/**
 * The `marathon` Python client (Debian python3-marathon) against minidc's Marathon: the 22 steps of
 * fixtures/marathon_client_steps.py (apps, tasks, scaling, kills, updates with force=True, restart, deployments,
 * queue, info, embeds, groups, error classes, delete) must all pass, as they do against Marathon.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startCluster } from '../runtime/marathon/marathon-harness.ts';

const SCRIPT = fileURLToPath(new URL('./fixtures/marathon_client_steps.py', import.meta.url));
// Debian's interpreter, which has the python3-marathon package (a pyenv python3 on PATH may not).
const PYTHON = '/usr/bin/python3';

function runSteps(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(PYTHON, [SCRIPT, url], { timeout: 180_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

test('the marathon Python client passes all its steps against minidc', async () => {
  const c = await startCluster({ agents: 2 });
  try {
    const { code, stdout, stderr } = await runSteps(c.baseUrl);
    const lines = stdout.split('\n').filter((l) => l !== '');
    const failed = lines.filter((l) => l.startsWith('FAIL'));
    assert.deepEqual(failed, [], stderr.split('\n').filter((l) => !l.startsWith('ERROR:marathon')).join('\n'));
    assert.equal(lines.filter((l) => l.startsWith('ok ')).length, 22, stdout);
    assert.equal(code, 0);
  } finally {
    await c.close();
  }
});
