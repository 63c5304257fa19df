/**
 * The rules' firing and quiet cases as a promtool unit-test file (`promtool test rules`): one test per case, each
 * evaluating its rule at the case's time. promtool compares an alert's annotations exactly, so the expected ones are
 * the rule's templates rendered here with the case's labels and value; promtool then checks this renderer too.
 */
import { stringify } from 'yaml';
import { runbookUrl, type AlertGroup, type AlertRule, type FiringCase, type RuleCase } from './alert-rule.ts';
import { RULE_FILE_HEADER } from './rule-file.ts';

/** The scrape interval the cases' series are written at. */
export const CASE_INTERVAL = '5s';

/** Go's `%.4g` for the magnitudes annotations print (Prometheus's `humanize` below 1000). */
function humanize(value: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1000 || (value !== 0 && Math.abs(value) < 1)) throw new Error(`rule cases: humanize(${value}) is outside what the renderer handles`);
  return String(Number(value.toPrecision(4)));
}

const TEMPLATE = /\{\{\s*\$(labels\.([a-zA-Z_][a-zA-Z0-9_]*)|value)\s*(\|\s*humanizePercentage\s*)?\}\}/g;

/** A rule's annotation as Prometheus renders it for the case's alert. */
export function renderAnnotation(text: string, rule: AlertRule, labels: Readonly<Record<string, string>>, value: number | undefined): string {
  const rendered = text.replace(TEMPLATE, (_all, what: string, label: string | undefined, percentage: string | undefined) => {
    if (label !== undefined) {
      if (labels[label] === undefined) throw new Error(`${rule.alert}: the annotation prints $labels.${label}, which its firing case's alert lacks`);
      return labels[label];
    }
    if (value === undefined) throw new Error(`${rule.alert}: the annotation prints $value; give its firing case a value`);
    return percentage === undefined ? String(value) : `${humanize(value * 100)}%`;
  });
  if (rendered.includes('{{')) throw new Error(`${rule.alert}: a template the case renderer does not know in ${JSON.stringify(text)}`);
  return rendered;
}

function caseTest(rule: AlertRule, name: string, c: RuleCase, alerts: object[]) {
  return {
    name: `${rule.alert} ${name}`,
    interval: CASE_INTERVAL,
    input_series: c.input.map((s) => ({ series: s.series, values: s.values })),
    alert_rule_test: [{ eval_time: c.at, alertname: rule.alert, exp_alerts: alerts }],
  };
}

function expectedAlert(rule: AlertRule, c: FiringCase) {
  const labels = { ...c.labels, severity: rule.severity };
  return {
    exp_labels: labels,
    exp_annotations: {
      summary: renderAnnotation(rule.summary, rule, labels, c.value),
      description: renderAnnotation(rule.description, rule, labels, c.value),
      runbook_url: runbookUrl(rule),
    },
  };
}

/** `ruleFileName` is the rule file's path relative to the test file (promtool resolves it so). */
export function ruleTestFile(groups: readonly AlertGroup[], ruleFileName: string): string {
  const tests = groups.flatMap((g) =>
    g.rules.flatMap((rule) => [caseTest(rule, 'fires', rule.firing, [expectedAlert(rule, rule.firing)]), caseTest(rule, 'stays quiet', rule.quiet, [])]),
  );
  return RULE_FILE_HEADER + stringify({ rule_files: [ruleFileName], evaluation_interval: CASE_INTERVAL, tests }, { lineWidth: 0 });
}
