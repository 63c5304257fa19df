/**
 * What the diagnosis at the top of a bundle's `summaryReport.txt` says: a list of findings, each naming what broke,
 * where (node, unit), why (the failing rule or probe, an exit status) and the evidence (journal lines, task
 * statuses), so an operator reading one file knows where to look next.
 */

/** Most severe first: `critical` — a node or app is down; `error` — something is broken; `warning` — soon will be. */
export const SEVERITIES = ['critical', 'error', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface DiagnosedNode {
  ip: string;
  /** `master`, `agent` or `agent_public`; '' when only the Mesos master knows the agent (no health entry). */
  role: string;
}

export interface Finding {
  severity: Severity;
  /** Absent for cluster-wide findings (an app crash-looping across agents, a source that could not be read). */
  node?: DiagnosedNode;
  unit?: string;
  /** One line: what broke (`dcos-mesos-slave.service is unhealthy`). */
  what: string;
  /** One line: why, as the source words it (probe text, unit rule, exit status). */
  why: string;
  /** Supporting lines, oldest first (journal lines, task statuses); the renderer keeps the last few. */
  evidence: string[];
}

export interface Diagnosis {
  /** Wall-clock ms when the sources were read. */
  checkedAt: number;
  findings: Finding[];
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
