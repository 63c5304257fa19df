/**
 * "Disk nearly full", two ways: an agent's Mesos disk resources nearly all allocated to tasks (`slave/disk_used` /
 * `slave/disk_total` of its `/metrics/snapshot`, in MB), and a node's filesystem nearly full (the host gauges of the
 * node's Prometheus `/metrics`, see collectors/catalogue/host-entries.ts). Either at or above the threshold is a
 * warning: nothing has broken yet, but launches and journals soon will.
 */
import { HOST_ENTRIES } from '../../../collectors/catalogue/host-entries.ts';
import type { DiagnosedNode, Finding } from './diagnosis.ts';

export const DEFAULT_DISK_FULL_RATIO = 0.9;

/** From an agent's `/metrics/snapshot`; undefined when the disk is below the threshold or not published. */
export function mesosDiskFinding(node: DiagnosedNode, snapshot: unknown, threshold: number): Finding | undefined {
  const s = snapshot as Record<string, unknown> | null;
  const used = s?.['slave/disk_used'];
  const total = s?.['slave/disk_total'];
  if (typeof used !== 'number' || typeof total !== 'number') return undefined;
  return nearlyFull(node, used, total, threshold, {
    what: 'disk resources nearly all allocated',
    why: (percent) => `tasks hold ${percent} of the agent's Mesos disk resources (slave/disk_used / slave/disk_total)`,
    evidence: `slave/disk_used ${used} MB of slave/disk_total ${total} MB`,
  });
}

/** From a node's Prometheus exposition; undefined below the threshold or when the gauges are absent. */
export function hostDiskFinding(node: DiagnosedNode, exposition: string, threshold: number): Finding | undefined {
  const usedName = HOST_ENTRIES.diskUsed.prometheusName;
  const totalName = HOST_ENTRIES.diskTotal.prometheusName;
  const used = gaugeValue(exposition, usedName);
  const total = gaugeValue(exposition, totalName);
  if (used === undefined || total === undefined) return undefined;
  return nearlyFull(node, used, total, threshold, {
    what: 'filesystem nearly full',
    why: (percent) => `${percent} of the filesystem holding the node's data directory is used`,
    evidence: `${usedName} ${used} of ${totalName} ${total} (${gib(total - used)} free)`,
  });
}

function nearlyFull(
  node: DiagnosedNode,
  used: number,
  total: number,
  threshold: number,
  text: { what: string; why: (percent: string) => string; evidence: string },
): Finding | undefined {
  // A total of 0 (no disk offered) is not full; with the threshold at 0 every disk is reported, which tests use.
  const ratio = total > 0 ? used / total : 0;
  if (total <= 0 && threshold > 0) return undefined;
  if (ratio < threshold) return undefined;
  const percent = `${(ratio * 100).toFixed(1)}%`;
  return {
    severity: 'warning',
    node,
    what: `${text.what}: ${percent} used (threshold ${(threshold * 100).toFixed(0)}%)`,
    why: text.why(percent),
    evidence: [text.evidence],
  };
}

/**
 * The value of an untyped gauge's first sample in Prometheus text format (`name 123` or `name{…} 123`). Only the
 * two host gauges are read, so a line match is enough; no exposition parser is among the dependencies.
 */
export function gaugeValue(exposition: string, name: string): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    const match = /^(?:\{[^}]*\})?\s+(\S+)/.exec(rest);
    if (match === null) continue;
    const value = Number(match[1]);
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
