// The test command's own set-up (scripts/test-tools.sh, npm's pretest step) on a machine that lacks the tools and
// cannot install them: it must stop at once with one line naming the packages, not let tests fail one by one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(import.meta.dirname, '..', '..', 'scripts', 'test-tools.sh');

/** A PATH holding only what the script needs to run, so every test tool is absent. */
function barePath(withAptGet: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'minidc-bare-path-'));
  for (const tool of ['bash', 'id']) symlinkSync(`/usr/bin/${tool}`, join(dir, tool));
  if (withAptGet) symlinkSync('/usr/bin/apt-get', join(dir, 'apt-get'));
  return dir;
}

function runAsNobody(path: string) {
  // As an unprivileged user (nobody) when this runs as root, so apt-get cannot be used.
  const asNobody = process.getuid?.() === 0;
  const command = asNobody ? '/usr/bin/setpriv' : '/usr/bin/bash';
  const args = asNobody
    ? ['--reuid=65534', '--regid=65534', '--clear-groups', '/usr/bin/bash', script]
    : [script];
  return spawnSync(command, args, { env: { PATH: path }, encoding: 'utf8', timeout: 10_000 });
}

test('missing tools and no way to install them: one line naming the packages, exit 1', () => {
  const dir = barePath(true);
  try {
    const run = runAsNobody(dir);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /bind9-dnsutils unzip curl/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('missing tools and no apt-get: one line, exit 1', () => {
  const dir = barePath(false);
  try {
    const run = runAsNobody(dir);
    assert.equal(run.status, 1);
    assert.match(run.stderr.trim(), /^test tools missing and no apt-get to install them: bind9-dnsutils unzip curl python3-marathon prometheus chromium$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every tool present: nothing printed, exit 0', () => {
  const run = spawnSync('/usr/bin/bash', [script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '');
});
