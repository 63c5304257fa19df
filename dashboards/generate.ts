/**
 * `npm run dashboards:generate`: writes the generated files under dashboards/ (the Prometheus rule file) from their
 * TypeScript sources; `--check` writes nothing and exits 1 naming any file that is not what generation gives.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALERT_GROUPS } from './alerts/minidc-alerts.ts';
import { ruleFile } from './alerts/rule-file.ts';
import { ruleTestFile } from './alerts/rule-test-file.ts';
import { dashboardJson } from './grafana/dashboard-json.ts';
import { DASHBOARDS, dashboardFileText } from './grafana/dashboards.ts';

export const GENERATED: ReadonlyArray<{ path: string; content: () => string }> = [
  { path: fileURLToPath(new URL('./prometheus/minidc-alerts.rules.yml', import.meta.url)), content: () => ruleFile(ALERT_GROUPS) },
  { path: fileURLToPath(new URL('./prometheus/minidc-alerts.test.yml', import.meta.url)), content: () => ruleTestFile(ALERT_GROUPS, 'minidc-alerts.rules.yml') },
  ...DASHBOARDS.map((d) => ({ path: fileURLToPath(new URL(`./grafana/json/${d.file}`, import.meta.url)), content: () => dashboardFileText(dashboardJson(d)) })),
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const file of GENERATED) {
    const content = file.content();
    let current: string | undefined;
    try {
      current = readFileSync(file.path, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    if (check) stale.push(file.path);
    else writeFileSync(file.path, content);
  }
  if (stale.length > 0) {
    process.stderr.write(`dashboards: not as generated (run npm run dashboards:generate): ${stale.join(', ')}\n`);
    process.exit(1);
  }
}
