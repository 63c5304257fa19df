/**
 * The diagnosis of a cluster from its public HTTP APIs only, so it runs against a real DC/OS cluster as well: the
 * master's health report (given by the caller, usually the puller's fresh report), the Mesos master's
 * `/master/slaves`, `/master/tasks` and `/master/frameworks`, Marathon's last task failures, each agent's
 * `/metrics/snapshot` and each node's Prometheus `/metrics`. Every GET has a timeout and a size limit; a source that
 * cannot be read becomes a finding of its own, never an exception, so a bundle always gets its diagnosis.
 */
import { eachBounded } from '../../each-bounded.ts';
import { fetchJson, fetchText } from '../../../collectors/http-source.ts';
import { UNKNOWN } from '../../health/health-codes.ts';
import type { NodeHealthResponse } from '../../health/node-health.ts';
import { buildClusterReport, EMPTY_REPORT, type ClusterReport } from '../../cluster/cluster-report.ts';
import type { NodeRole } from '../../cluster/cluster-node.ts';
import { agentFindings, agentsOf, type MasterAgent } from './agent-findings.ts';
import type { DiagnosedNode, Diagnosis, Finding } from './diagnosis.ts';
import { DEFAULT_DISK_FULL_RATIO, hostDiskFinding, mesosDiskFinding } from './disk-findings.ts';
import { renderDiagnosis } from './render-diagnosis.ts';
import { frameworkNamesOf, marathonFailuresOf, taskFindings } from './task-findings.ts';
import { unitFindings } from './unit-findings.ts';

export const DEFAULT_CRASH_LOOP_FAILURES = 3;
export const DEFAULT_CRASH_LOOP_WINDOW_MS = 10 * 60_000;
export const DEFAULT_SOURCE_TIMEOUT_MS = 5000;
/** DC/OS's Telegraf serves a node's Prometheus metrics here (minidc's standard ports too). */
export const DEFAULT_METRICS_PORT = 61091;
/** The newest tasks read from `/master/tasks` (Mesos's default page is 100). */
const TASKS_LIMIT = 5000;
const STATE_MAX_BYTES = 32 * 1024 * 1024;
const METRICS_MAX_BYTES = 8 * 1024 * 1024;
/** Agents and nodes whose metrics are read at once. */
const CONCURRENCY = 16;

export interface ClusterDiagnosisOptions {
  /** The cluster health report (`/system/health/v1/report`); a rejection becomes a finding. */
  report: () => Promise<ClusterReport>;
  /** The Mesos master's base URL (`http://10.0.0.1:5050`); undefined: agents, tasks and Mesos disk are not checked. */
  mesosUrl?: string | undefined;
  /** Marathon's base URL, for the message of each app's last task failure (the why of a crash loop). */
  marathonUrl?: string | undefined;
  /** A node's Prometheus `/metrics` URL; default `http://<ip>:61091/metrics`; undefined skips the node. */
  metricsUrl?: (node: DiagnosedNode) => string | undefined;
  /** Used share of a disk that is "nearly full", 0 to 1. Default 0.9. */
  diskFullRatio?: number;
  /** Failed tasks of one app within the window that make a crash loop. Default 3. */
  crashLoopFailures?: number;
  /** How far back failed tasks count. Default 10 min. */
  crashLoopWindowMs?: number;
  /** Per GET, body included. Default 5 s. */
  timeoutMs?: number;
  /** Wall-clock ms. Default Date.now. */
  now?: () => number;
  signal?: AbortSignal;
}

export async function clusterDiagnosis(options: ClusterDiagnosisOptions): Promise<Diagnosis> {
  const diskFullRatio = options.diskFullRatio ?? DEFAULT_DISK_FULL_RATIO;
  if (!(diskFullRatio >= 0 && diskFullRatio <= 1)) throw new RangeError(`diskFullRatio must be within 0 and 1, got ${diskFullRatio}`);
  const checkedAt = (options.now ?? Date.now)();
  const findings: Finding[] = [];
  const unreadable = (what: string, err: unknown): void => {
    findings.push({ severity: 'error', what: `could not read ${what}`, why: (err as Error).message, evidence: [] });
  };
  const http = { timeoutMs: options.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS, ...(options.signal ? { signal: options.signal } : {}) };

  let report = EMPTY_REPORT;
  try {
    report = await options.report();
  } catch (err) {
    unreadable('the cluster health report', err);
  }
  findings.push(...unitFindings(report));

  let agents: MasterAgent[] = [];
  const mesos = options.mesosUrl;
  if (mesos !== undefined) {
    const get = (path: string) => fetchJson(`${mesos}${path}`, { ...http, maxBytes: STATE_MAX_BYTES });
    const marathon = options.marathonUrl;
    const [slaves, tasks, frameworks, apps] = await Promise.allSettled([
      get('/master/slaves'),
      get(`/master/tasks?limit=${TASKS_LIMIT}&order=des`),
      get('/master/frameworks'),
      marathon === undefined ? Promise.resolve(undefined) : fetchJson(`${marathon}/v2/apps?embed=apps.lastTaskFailure`, { ...http, maxBytes: STATE_MAX_BYTES }),
    ]);
    const read = <T>(what: string, settled: PromiseSettledResult<unknown>, parse: (body: unknown) => T): T | undefined => {
      try {
        if (settled.status === 'rejected') throw settled.reason;
        return parse(settled.value);
      } catch (err) {
        unreadable(what, err);
        return undefined;
      }
    };
    const listed = read('/master/slaves', slaves, (b) => agentsOf(b, mesos.startsWith('https:') ? 'https:' : 'http:'));
    // Without the master's list, no agent can be called missing from it.
    if (listed !== undefined) findings.push(...agentFindings((agents = listed), report));
    const names = read('/master/frameworks', frameworks, frameworkNamesOf) ?? new Map<string, string>();
    const failures = read('/v2/apps (Marathon)', apps, (b) => (b === undefined ? new Map() : marathonFailuresOf(b))) ?? new Map();
    const windowMs = options.crashLoopWindowMs ?? DEFAULT_CRASH_LOOP_WINDOW_MS;
    const crashLoopFailures = options.crashLoopFailures ?? DEFAULT_CRASH_LOOP_FAILURES;
    findings.push(...(read('/master/tasks', tasks, (b) => taskFindings(b, names, failures, agents, { nowMs: checkedAt, windowMs, crashLoopFailures })) ?? []));
  }

  // Disks: the Mesos disk of every active agent, the filesystem of every node the health report reached.
  const diskChecks: (() => Promise<Finding | undefined>)[] = [];
  for (const agent of agents) {
    if (!agent.active || agent.url === undefined) continue;
    const url = `${agent.url}/metrics/snapshot`;
    diskChecks.push(async () => {
      try {
        return mesosDiskFinding({ ip: agent.ip, role: agent.role }, await fetchJson(url, { ...http, maxBytes: METRICS_MAX_BYTES }), diskFullRatio);
      } catch (err) {
        return unreadableMetrics({ ip: agent.ip, role: agent.role }, err);
      }
    });
  }
  const metricsUrl = options.metricsUrl ?? ((node: DiagnosedNode) => `http://${node.ip}:${DEFAULT_METRICS_PORT}/metrics`);
  for (const node of Object.values(report.Nodes ?? {})) {
    if (node.Health === UNKNOWN) continue;
    const where = { ip: node.IP, role: node.Role };
    const url = metricsUrl(where);
    if (url === undefined) continue;
    diskChecks.push(async () => {
      try {
        return hostDiskFinding(where, await fetchText(url, { ...http, maxBytes: METRICS_MAX_BYTES }), diskFullRatio);
      } catch (err) {
        return unreadableMetrics(where, err);
      }
    });
  }
  // In check order, not completion order: the same cluster gives the same list.
  const disks: (Finding | undefined)[] = new Array<Finding | undefined>(diskChecks.length);
  await eachBounded([...diskChecks.keys()], CONCURRENCY, async (i) => void (disks[i] = await diskChecks[i]!()));
  for (const finding of disks) if (finding) findings.push(finding);
  return { checkedAt, findings };
}

/** The diagnosis of one node from its own `/system/health/v1` answer (and its metrics), for a node's bundle. */
export function nodeDiagnosis(health: NodeHealthResponse, options: Omit<ClusterDiagnosisOptions, 'report'> = {}): Promise<Diagnosis> {
  const at = (options.now ?? Date.now)();
  const node = { ip: health.ip, role: health.node_role as NodeRole, mesosId: health.mesos_id, leader: false };
  const report = buildClusterReport([{ node, response: health, at }], at);
  return clusterDiagnosis({ ...options, report: async () => report });
}

/** The text that opens a bundle's `summaryReport.txt`. */
export async function diagnosisText(options: ClusterDiagnosisOptions): Promise<string> {
  return renderDiagnosis(await clusterDiagnosis(options));
}

/** A node's disk could not be checked: a warning on that node (its other problems are reported from elsewhere). */
function unreadableMetrics(node: DiagnosedNode, err: unknown): Finding {
  return { severity: 'warning', node, what: 'disk usage could not be read', why: (err as Error).message, evidence: [] };
}
