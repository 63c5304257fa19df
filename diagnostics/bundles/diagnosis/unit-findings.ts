/**
 * Findings from the master's health report: every node it could not poll (health 3) and every unhealthy unit per
 * node. An unhealthy unit's `output` is the failing rule's or probes' text, then its last journal lines (see
 * diagnostics/health/node-health.ts), so the text is the finding's why and the journal lines its evidence.
 */
import { HEALTHY, UNKNOWN } from '../../health/health-codes.ts';
import type { ClusterReport, ReportNode } from '../../cluster/cluster-report.ts';
import type { DiagnosedNode, Finding } from './diagnosis.ts';

/** A journal line as go-systemd prints it: `2019-11-26 13:15:54.708 +0000 UTC message`. */
const JOURNAL_LINE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;

export function unitFindings(report: ClusterReport): Finding[] {
  const findings: Finding[] = [];
  for (const node of Object.values(report.Nodes ?? {})) {
    const where: DiagnosedNode = { ip: node.IP, role: node.Role };
    if (node.Health === UNKNOWN) {
      findings.push({
        severity: 'critical',
        node: where,
        what: `node ${node.IP} is unreachable`,
        why: "the master's dcos-diagnostics could not read its /system/health/v1 (node down, or its dcos-diagnostics stopped)",
        evidence: node.MesosID === '' ? [] : [`Mesos agent id ${node.MesosID}`],
      });
      continue;
    }
    findings.push(...unhealthyUnits(node, where));
  }
  return findings;
}

function unhealthyUnits(node: ReportNode, where: DiagnosedNode): Finding[] {
  return (node.Units ?? [])
    .filter((u) => u.Health !== HEALTHY)
    .map((u) => {
      const { why, evidence } = splitOutput(node.Output[u.UnitName] ?? '');
      const failure = lastFailure(u.UnitName, evidence);
      const because = failure === undefined ? why : `${why}; last failure: ${failure}`;
      return { severity: 'error', node: where, unit: u.UnitName, what: `${u.UnitName} is unhealthy`, why: because, evidence };
    });
}

/**
 * The reason of the unit's last failed start or exit (`<unit> failed with exit status N: reason` in its journal):
 * the rules only say that it failed, and an evidence line may be cut short in the text, but the why is wrapped whole.
 */
function lastFailure(unit: string, evidence: readonly string[]): string | undefined {
  const marker = `${unit} failed with `;
  for (let i = evidence.length - 1; i >= 0; i--) {
    const at = evidence[i]!.indexOf(marker);
    if (at !== -1) return evidence[i]!.slice(at + marker.length);
  }
  return undefined;
}

/** The rule or probe texts (one per line) before the journal lines, and the journal lines themselves. */
export function splitOutput(output: string): { why: string; evidence: string[] } {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const firstJournal = lines.findIndex((l) => JOURNAL_LINE.test(l) || l.startsWith('(journal of '));
  const reasons = firstJournal === -1 ? lines : lines.slice(0, firstJournal);
  return {
    why: reasons.length === 0 ? 'no reason given' : reasons.join('; '),
    evidence: firstJournal === -1 ? [] : lines.slice(firstJournal),
  };
}
