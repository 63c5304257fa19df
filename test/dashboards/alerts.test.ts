// The shipped alerting rules: generated files up to date, `promtool check rules` and `promtool test rules` pass on
// them, every rule has a firing and a quiet case in the test file and a runbook section its runbook_url points at,
// and the state alerts' `for:` leaves a fault time to fire within 30 s at a 5 s scrape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ALERT_GROUPS } from '../../dashboards/alerts/minidc-alerts.ts';
import { runbookAnchor, runbookUrl } from '../../dashboards/alerts/alert-rule.ts';
import { REPO_ROOT } from '../support/minidc-cli.ts';

const PROMETHEUS_DIR = fileURLToPath(new URL('../../dashboards/prometheus/', import.meta.url));
const RULES = ALERT_GROUPS.flatMap((g) => g.rules);
const run = (command: string, args: string[]) => spawnSync(command, args, { cwd: PROMETHEUS_DIR, encoding: 'utf8', timeout: 120_000 });

test('the generated rule and test files are what generation gives', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'dashboards/generate.ts', '--check'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
});

test('promtool check rules and promtool test rules pass', () => {
  const check = run('promtool', ['check', 'rules', 'minidc-alerts.rules.yml']);
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, new RegExp(`SUCCESS: ${RULES.length} rules found`));
  const unit = run('promtool', ['test', 'rules', 'minidc-alerts.test.yml']);
  assert.equal(unit.status, 0, unit.stdout + unit.stderr);
});

interface TestFile {
  tests: { name: string; alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
}

test('every rule has a firing and a quiet case in the promtool tests', () => {
  const file = parse(readFileSync(`${PROMETHEUS_DIR}minidc-alerts.test.yml`, 'utf8')) as TestFile;
  for (const rule of RULES) {
    const cases = file.tests.flatMap((t) => t.alert_rule_test).filter((c) => c.alertname === rule.alert);
    assert.ok(cases.some((c) => c.exp_alerts.length > 0), `${rule.alert}: no firing case`);
    assert.ok(cases.some((c) => c.exp_alerts.length === 0), `${rule.alert}: no quiet case`);
  }
  assert.equal(new Set(RULES.map((r) => r.alert)).size, RULES.length, 'alert names are unique');
});

test("every rule has a runbook section whose anchor is its runbook_url's", () => {
  const runbooks = readFileSync(new URL('../../dashboards/runbooks.md', import.meta.url), 'utf8');
  // GitHub's anchor of a `## name` heading is the name in lower case.
  const anchors = new Set([...runbooks.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase()));
  const rules = parse(readFileSync(`${PROMETHEUS_DIR}minidc-alerts.rules.yml`, 'utf8')) as { groups: { rules: { alert: string; annotations: Record<string, string> }[] }[] };
  for (const rule of rules.groups.flatMap((g) => g.rules)) {
    assert.equal(rule.annotations.runbook_url, runbookUrl(rule), rule.alert);
    assert.ok(anchors.has(runbookAnchor(rule)), `${rule.alert}: no "## ${runbookAnchor(rule)}" section in dashboards/runbooks.md`);
    for (const field of ['summary', 'description']) assert.ok((rule.annotations[field] ?? '').length > 0, `${rule.alert}: ${field}`);
  }
  for (const link of runbooks.matchAll(/\]\(#([a-z0-9-]+)\)/g)) assert.ok(anchors.has(link[1]!), `runbooks.md links to #${link[1]}, which is no section`);
});

test('state alerts fire within 30 s of a fault at a 5 s scrape', () => {
  const STATE_ALERTS = ['MesosNoLeader', 'MesosAgentsUnreachable', 'MesosAgentNotRegistered', 'UnitUnhealthy', 'VipNoHealthyBackend', 'VipNotListening', 'ScrapeTargetDown', 'CollectorDown'];
  const seconds = (d: string) => Number(/^(\d+)s$/.exec(d)?.[1] ?? Number.NaN);
  for (const name of STATE_ALERTS) {
    const rule = RULES.find((r) => r.alert === name);
    assert.ok(rule, name);
    // One scrape to see the fault, one evaluation interval, then `for:`.
    assert.ok(seconds(rule.for) + 5 + 5 <= 30, `${name}: for ${rule.for}`);
  }
});
