/**
 * The diagnosis as the plain text an operator reads first in `summaryReport.txt`: a one-line verdict, then the
 * findings grouped by node (the group with the most severe finding first; cluster-wide findings before nodes on a
 * tie, nodes in address order), each with what broke, where, why and its last evidence lines. The order depends on
 * nothing but the findings, so the same diagnosis always renders to the same text.
 */
import { compareIp } from '../../cluster/cluster-report.ts';
import { SEVERITIES, severityRank, type Diagnosis, type Finding } from './diagnosis.ts';

export const MAX_EVIDENCE_LINES = 20;
export const LINE_WIDTH = 120;

const INDENT = '  ';
const EVIDENCE_INDENT = '    ';
/** Under the text after `  why:   `. */
const CONTINUATION = '         ';

export function renderDiagnosis(d: Diagnosis): string {
  const lines = [verdict(d.findings), `Diagnosis at ${new Date(d.checkedAt).toISOString()}.`];
  for (const group of groups(d.findings)) {
    lines.push('', `== ${group.title} ==`);
    for (const f of group.findings) lines.push(...renderFinding(f));
  }
  return `${lines.join('\n')}\n`;
}

function verdict(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No problems found';
  const bySeverity = SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return `${findings.length} problem${findings.length === 1 ? '' : 's'} found (${bySeverity.join(', ')})`;
}

interface Group {
  ip: string | undefined;
  title: string;
  findings: Finding[];
}

function groups(findings: readonly Finding[]): Group[] {
  const byNode = new Map<string, Group>();
  for (const f of findings) {
    const key = f.node?.ip ?? '';
    const group = byNode.get(key) ?? { ip: f.node?.ip, title: f.node === undefined ? 'cluster-wide' : nodeTitle(f.node), findings: [] };
    // A node known to several sources with and without a role: name the role where one source gives it.
    if (f.node !== undefined && f.node.role !== '') group.title = nodeTitle(f.node);
    group.findings.push(f);
    byNode.set(key, group);
  }
  const worst = (g: Group) => Math.min(...g.findings.map((f) => severityRank(f.severity)));
  const list = [...byNode.values()];
  for (const g of list) g.findings.sort(compareFindings);
  return list.sort((a, b) => worst(a) - worst(b) || compareNodes(a.ip, b.ip));
}

function compareNodes(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return compareIp(a, b);
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    (a.unit ?? '').localeCompare(b.unit ?? '') ||
    a.what.localeCompare(b.what) ||
    a.why.localeCompare(b.why)
  );
}

const nodeTitle = (node: { ip: string; role: string }) => (node.role === '' ? node.ip : `${node.ip} (${node.role})`);

function renderFinding(f: Finding): string[] {
  const where = [f.node === undefined ? 'cluster-wide' : nodeTitle(f.node), ...(f.unit === undefined ? [] : [`unit ${f.unit}`])].join(', ');
  const lines = [
    ...wrap(`[${f.severity.toUpperCase()}] `, f.what, INDENT),
    ...wrap(`${INDENT}where: `, where, CONTINUATION),
    ...wrap(`${INDENT}why:   `, f.why, CONTINUATION),
  ];
  if (f.evidence.length > 0) {
    const kept = f.evidence.slice(-MAX_EVIDENCE_LINES);
    const omitted = f.evidence.length - kept.length;
    lines.push(`${INDENT}evidence${omitted > 0 ? ` (last ${kept.length} of ${f.evidence.length} lines)` : ''}:`);
    for (const e of kept) lines.push(truncate(`${EVIDENCE_INDENT}${e}`));
  }
  return lines;
}

/** `prefix` + `text` broken at spaces to fit LINE_WIDTH, later lines starting with `continuation`; a word longer than a line is cut. */
function wrap(prefix: string, text: string, continuation: string): string[] {
  const out: string[] = [];
  let line = prefix;
  let empty = true;
  for (const word of text.split(' ').filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > LINE_WIDTH) {
      out.push(truncate(line));
      line = continuation;
      empty = true;
    }
    line = empty ? `${line}${word}` : `${line} ${word}`;
    empty = false;
  }
  out.push(truncate(line));
  return out;
}

/** Evidence lines are cut rather than wrapped: the full lines are in the bundle's journal files. */
function truncate(line: string): string {
  return line.length <= LINE_WIDTH ? line : `${line.slice(0, LINE_WIDTH - 1)}…`;
}
