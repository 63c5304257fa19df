import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stat, symlink } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { launch, q, startAgentFixture, until, type AgentFixture } from './agent-http-fixture.ts';

interface FileInfo {
  path: string;
  nlink: number;
  size: number;
  mtime: number;
  mode: string;
  uid: string;
  gid: string;
}

let f: AgentFixture;
let sandbox: string;
let virtual: string;
const STDOUT = 'hello-stdout\n';

before(async () => {
  f = await startAgentFixture([launch('t-log', `printf '${STDOUT.trim()}\\n'; echo oops >&2; sleep 100`)]);
  await until('t-log running', () => f.updates.some((u) => u.taskId === 't-log' && u.state === 'TASK_RUNNING'));
  const task = f.agent.frameworks.get(f.framework.frameworkId)!.tasks.get('t-log')!;
  sandbox = task.directory;
  virtual = `/frameworks/${f.framework.frameworkId}/executors/t-log/runs/latest`;
  await until('stdout written', async () => {
    const r = await f.get(`/files/read?path=${q(`${sandbox}/stdout`)}&offset=0`);
    return r.status === 200 && ((await r.json()) as { data: string }).data === STDOUT;
  });
  // What a task could leave behind to reach outside its sandbox, and one harmless link.
  await symlink('/etc', join(sandbox, 'escape'));
  await symlink('/etc/passwd', join(sandbox, 'pw'));
  await symlink('..', join(sandbox, 'up'));
  await symlink('stdout', join(sandbox, 'out'));
});

after(async () => {
  await f.close();
});

/** "rwxr-x---" from permission bits, written independently of the code under test. */
function lsPermissions(mode: number): string {
  const digits = (mode & 0o777).toString(8).padStart(3, '0');
  return [...digits].map((d) => ['---', '--x', '-w-', '-wx', 'r--', 'r-x', 'rw-', 'rwx'][Number(d)]).join('');
}

async function status(path: string): Promise<{ status: number; message?: string }> {
  const res = await f.get(path);
  const text = await res.text();
  return { status: res.status, ...(res.status === 200 ? {} : { message: (JSON.parse(text) as { message: string }).message }) };
}

test('/files/browse lists a sandbox by its directory (from /state) with ls -l facts', async () => {
  const listing = await f.json<FileInfo[]>(`/files/browse?path=${q(sandbox)}`);
  assert.deepEqual(
    listing.map((e) => e.path),
    ['escape', 'out', 'pw', 'stderr', 'stdout', 'up'].map((n) => `${sandbox}/${n}`),
  );
  const stdout = listing.find((e) => e.path.endsWith('/stdout'))!;
  assert.equal(stdout.size, STDOUT.length);
  assert.equal(stdout.nlink, 1);
  assert.equal(stdout.mode, `-${lsPermissions((await stat(join(sandbox, 'stdout'))).mode)}`);
  assert.equal(listing.find((e) => e.path.endsWith('/up'))!.mode[0], 'l');
  assert.equal(stdout.uid, userInfo().username);
  assert.equal(typeof stdout.gid, 'string');
  assert.ok(Number.isInteger(stdout.mtime) && stdout.mtime > 1_600_000_000);
  // A link that stays inside is followed; one that leaves is shown as a link, revealing nothing of its target.
  assert.equal(listing.find((e) => e.path.endsWith('/out'))!.mode[0], '-');
  assert.equal(listing.find((e) => e.path.endsWith('/escape'))!.mode[0], 'l');
  assert.equal(listing.find((e) => e.path.endsWith('/pw'))!.mode[0], 'l');
});

test('/files/browse by the virtual path names entries under that path', async () => {
  const listing = await f.json<FileInfo[]>(`/files/browse?path=${q(virtual + '/')}`);
  assert.ok(listing.some((e) => e.path === `${virtual}/stdout`));
  // Browsing a file lists nothing, as in Mesos.
  assert.deepEqual(await f.json(`/files/browse?path=${q(`${virtual}/stdout`)}`), []);
});

test("/files/read: the task's stdout by either path, byte ranges, and offset=-1 for the size", async () => {
  for (const path of [`${sandbox}/stdout`, `${virtual}/stdout`, `${sandbox}/out`]) {
    assert.deepEqual(await f.json(`/files/read?path=${q(path)}&offset=0`), { data: STDOUT, offset: 0 });
  }
  const p = q(`${sandbox}/stdout`);
  assert.deepEqual(await f.json(`/files/read?path=${p}&offset=6&length=6`), { data: 'stdout', offset: 6 });
  assert.deepEqual(await f.json(`/files/read?path=${p}`), { data: '', offset: STDOUT.length });
  assert.deepEqual(await f.json(`/files/read?path=${p}&offset=-1`), { data: '', offset: STDOUT.length });
  assert.deepEqual(await f.json(`/files/read?path=${p}&offset=0&length=-1`), { data: STDOUT, offset: 0 });
  assert.deepEqual(await f.json(`/files/read?path=${p}&offset=0&length=0`), { data: '', offset: 0 });
  assert.deepEqual(await f.json(`/files/read?path=${p}&offset=1000`), { data: '', offset: 1000 });
  assert.deepEqual(await f.json(`/files/read?path=${q(`${sandbox}/stderr`)}&offset=0`), { data: 'oops\n', offset: 0 });
});

test('/files/download streams the file as an attachment', async () => {
  const res = await f.get(`/files/download?path=${q(`${virtual}/stdout`)}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename=stdout');
  assert.equal(await res.text(), STDOUT);
});

test('bad parameters are 400 with a JSON message', async () => {
  assert.deepEqual(await status('/files/read'), { status: 400, message: "Expecting 'path=value' in query." });
  assert.deepEqual(await status('/files/browse?path='), { status: 400, message: "Expecting 'path=value' in query." });
  const p = q(`${sandbox}/stdout`);
  assert.deepEqual(await status(`/files/read?path=${p}&offset=abc`), {
    status: 400,
    message: "Failed to parse offset: Failed to convert 'abc' to number.",
  });
  assert.deepEqual(await status(`/files/read?path=${p}&offset=-2`), { status: 400, message: 'Negative offset provided: -2.' });
  assert.deepEqual(await status(`/files/read?path=${p}&length=-5`), { status: 400, message: 'Negative length provided: -5.' });
  assert.deepEqual(await status(`/files/read?path=${q(sandbox)}`), { status: 400, message: 'Cannot read a directory.' });
  assert.deepEqual(await status(`/files/download?path=${q(virtual)}`), { status: 400, message: 'Cannot download a directory.' });
});

test('missing files and unknown sandboxes are 404 JSON', async () => {
  assert.equal((await status(`/files/read?path=${q(`${sandbox}/nope`)}`)).status, 404);
  assert.equal((await status(`/files/browse?path=${q(`${sandbox}/nope/deeper`)}`)).status, 404);
  assert.equal((await status(`/files/download?path=${q(`${virtual}/nope`)}`)).status, 404);
  const fw = f.framework.frameworkId;
  assert.equal((await status(`/files/browse?path=${q(`/frameworks/${fw}/executors/nobody/runs/latest`)}`)).status, 404);
  assert.equal((await status(`/files/browse?path=${q(sandbox.replace(/runs\/[^/]+$/, 'runs/not-a-container'))}`)).status, 404);
});

test('every way out of a sandbox is refused with 403: .., absolute paths elsewhere, symlinks pointing out', async () => {
  const refused = [
    `/files/browse?path=${q(`${sandbox}/..`)}`,
    `/files/browse?path=${q(`${sandbox}/../../../../..`)}`,
    `/files/read?path=${q(`${virtual}/../../../../etc/passwd`)}`,
    `/files/read?path=${q('/etc/passwd')}`,
    `/files/browse?path=${q('/')}`,
    // Inside the agent's work dir, but not inside a sandbox.
    `/files/read?path=${q(join(f.agent.workDir, 'meta', 'slaves', 'latest'))}`,
    `/files/browse?path=${q(join(f.agent.workDir, 'slaves', f.agent.id!))}`,
    `/files/browse?path=${q(`${sandbox}/escape`)}`,
    `/files/read?path=${q(`${sandbox}/escape/passwd`)}`,
    `/files/read?path=${q(`${virtual}/pw`)}`,
    `/files/download?path=${q(`${sandbox}/pw`)}`,
    `/files/browse?path=${q(`${virtual}/up`)}`,
  ];
  for (const path of refused) {
    const r = await status(path);
    assert.equal(r.status, 403, path);
    assert.equal(typeof r.message, 'string');
    assert.doesNotMatch(r.message!, /root:/, 'nothing of the target is returned');
  }
});
