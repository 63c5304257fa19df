/**
 * The master's aggregated health tree (`/system/health/v1/report`), built from the latest pull of every node as
 * dcos-diagnostics encodes its Go structs: capitalised keys, a node's health 1 when any unit is unhealthy (3 when
 * it could not be polled), a unit's health the maximum over nodes, nested lists omitted where Go's `omitempty`
 * omits them. Maps and lists are sorted (the original's map order is random).
 */
import { HEALTHY, UNKNOWN } from '../health/health-codes.ts';
import type { UnitHealthReport } from '../health/node-health.ts';
import type { NodePull } from './cluster-node.ts';

export interface ReportUnit {
  UnitName: string;
  Nodes?: ReportNode[];
  Health: number;
  Title: string;
  Timestamp: string;
  PrettyName: string;
}

export interface ReportNode {
  Leader: boolean;
  Role: string;
  IP: string;
  Host: string;
  Health: number;
  Output: Record<string, string>;
  Units?: ReportUnit[];
  MesosID: string;
}

export interface ClusterReport {
  Units: Record<string, ReportUnit> | null;
  Nodes: Record<string, ReportNode> | null;
  UpdatedTime: string;
}

/** Go's zero time, what the report says before the first pull. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export const EMPTY_REPORT: ClusterReport = { Units: null, Nodes: null, UpdatedTime: ZERO_TIME };

/** RFC 3339 without fractions, as Go's encoding of a UTC time.Time with whole seconds. */
export function rfc3339(wallMs: number): string {
  return new Date(wallMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nodeHealthOf(pull: NodePull): number {
  if (pull.response === undefined) return UNKNOWN;
  return pull.response.units.find((u) => u.health > HEALTHY)?.health ?? HEALTHY;
}

export function buildClusterReport(pulls: readonly NodePull[], updatedWallMs: number | undefined): ClusterReport {
  if (updatedWallMs === undefined && pulls.length === 0) return EMPTY_REPORT;
  const sorted = sortedByIp(pulls);
  const nodes: Record<string, ReportNode> = {};
  const units = new Map<string, ReportUnit & { Nodes: ReportNode[] }>();
  for (const pull of sorted) {
    const timestamp = rfc3339(pull.at);
    const unitOf = (u: UnitHealthReport): ReportUnit => ({ UnitName: u.id, Health: u.health, Title: u.description, Timestamp: timestamp, PrettyName: u.name });
    const responseUnits = pull.response?.units ?? [];
    // One Output object for the node and all its copies (they are serialised alike).
    const output = Object.fromEntries(responseUnits.map((u) => [u.id, u.output]));
    const nodeUnits = [...responseUnits].sort((a, b) => a.id.localeCompare(b.id));
    // Key order as the Go struct; Units only where given (omitempty).
    const nodeOf = (health: number, units?: ReportUnit[]): ReportNode => ({
      Leader: pull.node.leader,
      Role: pull.node.role,
      IP: pull.node.ip,
      Host: pull.response?.hostname || pull.node.ip,
      Health: health,
      Output: output,
      ...(units === undefined || units.length === 0 ? {} : { Units: units }),
      MesosID: pull.response?.mesos_id || pull.node.mesosId,
    });
    nodes[pull.node.ip] = nodeOf(nodeHealthOf(pull), nodeUnits.map(unitOf));
    for (const u of nodeUnits) {
      let entry = units.get(u.id);
      if (entry === undefined) {
        entry = { ...unitOf(u), Nodes: [] };
        units.set(u.id, entry);
      }
      // The nested per-unit copy of the node: its Output for all its units, no Units (omitempty).
      entry.Nodes.push(nodeOf(u.health));
      entry.Health = Math.max(entry.Health, u.health);
    }
  }
  const sortedUnits = [...units.entries()].sort(([a], [b]) => a.localeCompare(b));
  return {
    Units: sortedUnits.length === 0 ? null : Object.fromEntries(sortedUnits.map(([id, u]) => [id, orderUnit(u)])),
    Nodes: sorted.length === 0 ? null : nodes,
    UpdatedTime: updatedWallMs === undefined ? ZERO_TIME : rfc3339(updatedWallMs),
  };
}

/** Key order as the Go struct: UnitName, Nodes, Health, Title, Timestamp, PrettyName. */
function orderUnit(u: ReportUnit): ReportUnit {
  return { UnitName: u.UnitName, ...(u.Nodes ? { Nodes: u.Nodes } : {}), Health: u.Health, Title: u.Title, Timestamp: u.Timestamp, PrettyName: u.PrettyName };
}

/** Dotted IPv4 addresses in numeric order, anything else after them by text. */
export function compareIp(a: string, b: string): number {
  return ipSortKey(a).localeCompare(ipSortKey(b));
}

const ipSortKey = (ip: string) => (/^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip.split('.').map((p) => p.padStart(3, '0')).join('.') : `~${ip}`);

/** The pulls in compareIp's order, each key computed once. */
function sortedByIp(pulls: readonly NodePull[]): NodePull[] {
  return pulls
    .map((pull) => ({ pull, key: ipSortKey(pull.node.ip) }))
    .sort((a, b) => a.key.localeCompare(b.key))
    .map(({ pull }) => pull);
}
