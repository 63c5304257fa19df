/**
 * The dashboards' template variables: node, role and framework, each the values of a label of one catalogue
 * metric. All of them are multi-value with an "All" of `.*`, so panels match them with `=~` and the check can stand
 * for any choice by substituting `.*`.
 */
import { series, type Selector } from './promql.ts';

export interface TemplateVariable {
  readonly name: string;
  readonly label: string;
  /** `label_values(source, label)`. */
  readonly source: Selector;
  readonly sourceLabel: string;
  /** Hidden variables follow another one (the framework ids of the chosen framework names). */
  readonly hidden?: boolean;
}

/** Every node scraped: each exposition has its scrape duration, so every target is listed. */
export const NODE: TemplateVariable = { name: 'node', label: 'Node', source: series('minidc_scrape_duration_seconds'), sourceLabel: 'instance' };

export const ROLE: TemplateVariable = { name: 'role', label: 'Role', source: series('mesos_allocator_roles_shares_dominant'), sourceLabel: 'role' };

export const FRAMEWORK: TemplateVariable = { name: 'framework', label: 'Framework', source: series('mesos_framework_subscribed'), sourceLabel: 'framework' };

/** The agents' container series name a framework by id, the master's by name: this maps the chosen names to ids. */
export const FRAMEWORK_ID: TemplateVariable = {
  name: 'framework_id',
  label: 'Framework id',
  source: series('mesos_framework_subscribed').where('framework', '=~', '$framework'),
  sourceLabel: 'framework_id',
  hidden: true,
};

/** What the check substitutes for every variable: Grafana's "All". */
export const ALL_VALUE = '.*';

export const TEMPLATE_VARIABLES: readonly TemplateVariable[] = [NODE, ROLE, FRAMEWORK, FRAMEWORK_ID];

/** An expression with every variable at "All" and Grafana's rate window at `rateInterval`. */
export function withVariablesResolved(expr: string, rateInterval: string): string {
  let resolved = expr.replaceAll('$__rate_interval', rateInterval);
  // Longest names first, so `$framework_id` is not read as `$framework` followed by `_id`.
  for (const v of [...TEMPLATE_VARIABLES].sort((a, b) => b.name.length - a.name.length)) resolved = resolved.replaceAll(`$${v.name}`, ALL_VALUE);
  return resolved;
}
