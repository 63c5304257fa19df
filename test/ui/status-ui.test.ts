/**
 * The status page in a real browser (headless Chromium) against one running cluster, through the master's Admin
 * Router only: login is required and works through the page's form; every page shows live data; the health matrix
 * turns red when a unit stops and green when it is back; the stale banner says so while diagnostics does not
 * answer; any unit's cell shows its journal tail, read through Admin Router's dcos-log locations (401 without the
 * login); a bundle made from the page downloads and passes `unzip -t`. Screenshots go to test-artifacts/ui/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { NODE_SERVICES } from '../../app/node-services.ts';
import { firstAdminLoginHint } from '../../runtime/adminrouter/auth/first-admin-credential.ts';
import { Cluster } from '../../runtime/cluster/cluster.ts';
import { loadClusterConfig } from '../../runtime/cluster/cluster-config.ts';
import { deploySampleApp } from '../../runtime/cluster/sample-app.ts';
import { accessibilityViolations, launchChromium, screenshot, waitReady } from './headless-chromium.ts';

const execFileAsync = promisify(execFile);
/** Updates every 500 ms, so a change shows within a second of the master's pull (every second here). */
const POLL = '?poll=500';

let dir: string;
let cluster: Cluster;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let ar: string;
let masterIp: string;
let agentIp: string;
let credential: { uid: string; password: string };

const unitOn = (ip: string, unit: string) => cluster.nodes.find((n) => n.ip === ip)!.units.get(unit)!;
/** A fresh load of a page (a hash change alone would keep the last page's state and its ready mark). */
const open = async (hash: string, name: string) => {
  await page.goto('about:blank');
  await page.goto(`${ar}/${POLL}#/${hash}`);
  await waitReady(page, name);
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-ui-'));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ diagnostics_pull_interval: '1secs' }));
  const config = loadClusterConfig({ config: join(dir, 'config.json'), dataDir: join(dir, 'data'), ports: 'ephemeral', sample: true, agents: '1', publicAgents: '0' });
  await firstAdminLoginHint(config.dataDir); // what `minidc start` does first
  credential = JSON.parse(await readFile(join(config.dataDir, 'auth', 'admin-credential.json'), 'utf8')) as typeof credential;
  cluster = new Cluster(config, NODE_SERVICES);
  [browser] = await Promise.all([launchChromium(), cluster.start().then(() => deploySampleApp(cluster, () => {}))]);
  const master = cluster.nodes.find((n) => n.role === 'master')!;
  ar = master.endpoints.adminrouter!;
  masterIp = master.ip;
  agentIp = cluster.nodes.find((n) => n.role === 'agent')!.ip;
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('a browser without the cookie gets the login form and no data; the form logs in with the admin credential', async () => {
  await page.goto(`${ar}/${POLL}`);
  await page.getByLabel('User').waitFor();
  const refused = await page.evaluate(async () => (await fetch('/mesos/master/state-summary', { headers: { accept: 'application/json' } })).status);
  assert.equal(refused, 401, 'the data behind the page needs the login');
  assert.equal(await page.getByTestId('overview').count(), 0);
  await screenshot(page, 'login');

  await page.getByLabel('User').fill(credential.uid);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'wrong' }).waitFor();

  await page.getByLabel('Password').fill(credential.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await waitReady(page, 'overview');
  assert.equal(await page.getByTestId('card-leading-master').textContent(), masterIp);
  const cookies = await context.cookies(ar);
  assert.ok(cookies.some((c) => c.name === 'dcos-acs-auth-cookie' && c.value.split('.').length === 3), 'the token is in the cookie Admin Router reads');
});

test('every page renders live data from the cluster, at 1280 px and at a phone width', async () => {
  await open('overview', 'overview');
  await page.getByTestId('tasks-TASK_RUNNING').filter({ hasText: /^3$/ }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('card-agents').textContent(), '1');
  await screenshot(page, 'overview');

  await open('components', 'components');
  await page.getByTestId('matrix-summary').filter({ hasText: 'on 2 nodes' }).waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: `dcos-mesos-master.service on ${masterIp}: healthy` }).waitFor();
  await page.getByRole('button', { name: `dcos-mesos-slave.service on ${agentIp}: healthy` }).waitFor();
  await screenshot(page, 'components');

  await open('nodes', 'nodes');
  const nodes = page.getByTestId('nodes-table');
  await nodes.getByRole('row').filter({ hasText: agentIp }).filter({ hasText: 'active' }).waitFor();
  await nodes.getByRole('button', { name: masterIp }).click();
  await page.getByTestId('node-units').getByRole('button', { name: 'dcos-mesos-master.service' }).waitFor();
  await screenshot(page, 'nodes');

  await open('apps', 'apps');
  const sample = page.getByTestId('apps-table').getByRole('row').filter({ hasText: '/sample' });
  await sample.filter({ hasText: 'sample.marathon.mesos' }).filter({ hasText: 'sample.marathon.l4lb.thisdcos.directory:8000' }).waitFor();
  await screenshot(page, 'apps');

  await open('diagnostics', 'diagnostics');
  await page.getByLabel('Nodes').locator(`option[value="${agentIp}"]`).waitFor({ state: 'attached' });
  await screenshot(page, 'diagnostics');

  // At a phone's width no page scrolls sideways as a whole (a wide table scrolls inside its own box).
  await page.setViewportSize({ width: 390, height: 844 });
  for (const name of ['overview', 'components', 'nodes', 'apps', 'diagnostics']) {
    await open(name, name);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: no sideways scrolling at a phone width (${overflow} px too wide)`);
    await screenshot(page, `${name}-phone`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the health matrix turns red when a unit stops, shows its output on click, and turns green when it is back', async () => {
  const unit = 'dcos-logrotate-agent.timer';
  await open('components', 'components');
  await page.getByRole('button', { name: `${unit} on ${agentIp}: healthy` }).waitFor();
  await unitOn(agentIp, unit).stop();
  const red = page.getByRole('button', { name: `${unit} on ${agentIp}: unhealthy` });
  await red.waitFor({ timeout: 20_000 });
  assert.match((await page.getByTestId('matrix-summary').textContent())!, /1 node with unhealthy units/);
  await red.click();
  await page.getByTestId('unit-output').filter({ hasText: /inactive|dead/ }).waitFor();
  await screenshot(page, 'components-unhealthy');
  await unitOn(agentIp, unit).start();
  await page.getByRole('button', { name: `${unit} on ${agentIp}: healthy` }).waitFor({ timeout: 20_000 });
  assert.match((await page.getByTestId('matrix-summary').textContent())!, /0 nodes with unhealthy units/);
});

test('dcos-log through Admin Router: 401 without the login, the journal with it; any unit\'s cell detail shows its journal tail', async () => {
  const agentId = await page.evaluate(
    async (ip) => ((await (await fetch('/mesos/master/state-summary', { headers: { accept: 'application/json' } })).json()) as { slaves: { id: string; hostname: string }[] }).slaves.find((a) => a.hostname === ip)!.id,
    agentIp,
  );
  const query = (unit: string) => `/v1/range/?skip_prev=5&filter=_SYSTEMD_UNIT:${unit}`;
  const paths = [`/system/v1/logs${query('dcos-mesos-master.service')}`, `/system/v1/agent/${agentId}/logs${query('dcos-mesos-slave.service')}`];
  for (const path of paths) {
    assert.equal((await fetch(`${ar}${path}`, { signal: AbortSignal.timeout(10_000) })).status, 401, path);
    const answer = await page.evaluate(async (p) => {
      const response = await fetch(p, { headers: { accept: 'text/plain' } });
      return { status: response.status, text: await response.text() };
    }, path);
    assert.equal(answer.status, 200, path);
    assert.match(answer.text, /^(\S+ \S+ dcos-mesos-(master|slave): .*\n){1,5}$/, path);
  }
  await open('components', 'components');
  for (const [ip, unit] of [
    [masterIp, 'dcos-mesos-master.service'],
    [agentIp, 'dcos-mesos-slave.service'],
  ] as const) {
    await page.getByRole('button', { name: `${unit} on ${ip}: healthy` }).click();
    await page.getByTestId('journal-tail').filter({ hasText: `Started ${unitOn(ip, unit).description}.` }).waitFor({ timeout: 10_000 });
  }
  await screenshot(page, 'components-journal-tail');
});

test('while the cluster does not answer the page keeps its data under a stale-data banner, which goes once it answers', async () => {
  await open('components', 'components');
  const diagnostics = unitOn(masterIp, 'dcos-diagnostics.service');
  await diagnostics.stop();
  const banner = page.getByTestId('stale-banner');
  await banner.waitFor({ timeout: 10_000 });
  assert.match((await banner.textContent())!, /not answering/);
  assert.equal(await page.getByTestId('health-matrix').count(), 1, 'the last matrix stays on screen');
  await screenshot(page, 'components-stale');
  await diagnostics.start();
  await banner.waitFor({ state: 'detached', timeout: 20_000 });
});

test('a bundle created on the page runs, downloads as a zip that passes unzip -t, and is deleted', async () => {
  await open('diagnostics', 'diagnostics');
  await page.getByLabel('Nodes').selectOption('all');
  await page.getByRole('button', { name: 'Create bundle' }).click();
  await page.getByTestId('bundle-message').filter({ hasText: 'Creating bundle' }).waitFor();
  const id = /Creating bundle (\S+)… /.exec((await page.getByTestId('bundle-message').textContent())!)![1]!;
  const row = page.locator(`tr[data-bundle="${id}"]`);
  await row.waitFor();
  await page.locator(`tr[data-bundle="${id}"][data-status="Done"]`).waitFor({ timeout: 60_000 });
  await page.getByTestId('bundle-message').filter({ hasText: `Bundle ${id} is ready to download.` }).waitFor();
  await screenshot(page, 'diagnostics-bundle');
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Download' }).click()]);
  const zip = join(dir, `${id}.zip`);
  await download.saveAs(zip);
  const { stdout } = await execFileAsync('unzip', ['-t', zip]);
  assert.match(stdout, /No errors detected/);
  assert.match(stdout, new RegExp(`${masterIp.replaceAll('.', '\\.')}_master/`), 'the master node folder is in it');
  await row.getByRole('button', { name: `Delete bundle ${id}` }).click();
  await page.locator(`tr[data-bundle="${id}"][data-status="Deleted"]`).waitFor({ timeout: 10_000 });
});

test('every page passes axe-core\'s WCAG 2 A/AA checks, and the matrix works from the keyboard', async () => {
  // axe is injected as a script, which the page's Content-Security-Policy (rightly) refuses: this context bypasses it.
  const audit = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, storageState: await context.storageState() });
  const auditPage = await audit.newPage();
  try {
    for (const name of ['overview', 'components', 'nodes', 'apps', 'diagnostics']) {
      await auditPage.goto(`${ar}/${POLL}#/${name}`);
      await waitReady(auditPage, name);
      const violations = await accessibilityViolations(auditPage);
      assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 1)}`);
    }
    // Keyboard only: focus a cell, Enter opens its unit's detail.
    await auditPage.goto('about:blank');
    await auditPage.goto(`${ar}/${POLL}#/components`);
    await waitReady(auditPage, 'components');
    await auditPage.getByRole('button', { name: `dcos-mesos-master.service on ${masterIp}: healthy` }).focus();
    await auditPage.keyboard.press('Enter');
    await auditPage.getByTestId('unit-detail').getByRole('heading', { name: `dcos-mesos-master.service on ${masterIp}` }).waitFor();
    await audit.clearCookies();
    await auditPage.goto('about:blank');
    await auditPage.goto(`${ar}/${POLL}`);
    await auditPage.getByLabel('User').waitFor();
    assert.deepEqual(await accessibilityViolations(auditPage), [], 'the login form');
  } finally {
    await audit.close();
  }
});
