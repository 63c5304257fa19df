// `minidc alerts test` through the CLI with the real promtool: success on the shipped files, promtool's failure
// output and one line (exit 1) when a test fails, and one line (exit 1) when promtool is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RULE_FILE_NAME, RULE_TEST_FILE_NAME, SHIPPED_RULES_DIR } from '../../app/cli/alerts-command.ts';
import { minidc } from '../support/minidc-cli.ts';

test('minidc alerts test passes on the shipped rules', () => {
  const r = minidc(['alerts', 'test']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Checking .*minidc-alerts\.rules\.yml\n\s+SUCCESS: \d+ rules found/);
  assert.match(r.stdout, /Unit Testing: .*minidc-alerts\.test\.yml\n\s+SUCCESS/);
});

test('a failing rule test is promtool’s report and one line, exit 1', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'minidc-alerts-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(SHIPPED_RULES_DIR, RULE_FILE_NAME), join(dir, RULE_FILE_NAME));
  // An operator's edit that breaks a case: UnitUnhealthy expected as a warning.
  const tests = readFileSync(join(SHIPPED_RULES_DIR, RULE_TEST_FILE_NAME), 'utf8');
  const broken = tests.replace(/(alertname: UnitUnhealthy\n\s+exp_alerts:\n\s+- exp_labels:\n(?:\s+\w+: .+\n)*?\s+severity: )critical/, '$1warning');
  assert.notEqual(broken, tests);
  writeFileSync(join(dir, RULE_TEST_FILE_NAME), broken);
  const r = minidc(['alerts', 'test', '--dir', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /FAILED/);
  assert.match(r.stdout, /UnitUnhealthy/);
  assert.equal(r.stderr, 'minidc: alerts: promtool test rules failed\n');
});

test('a missing promtool is one line, exit 1', () => {
  const r = minidc(['alerts', 'test', '--promtool', '/nonexistent/promtool']);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^minidc: alerts: promtool not found \(\/nonexistent\/promtool\)[^\n]*\n$/);
});
