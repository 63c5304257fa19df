/**
 * A node's `GET /system/health/v1` body: every unit's verdict under dcos-diagnostics' rules, overridden to
 * unhealthy by a failing liveness probe, with the last 50 journal lines after the text of an unhealthy unit.
 * Field names and order are dcos-diagnostics' (its integration test checks exactly these 7 + 6 fields).
 */
import { HEALTHY, UNHEALTHY } from './health-codes.ts';
import { journalLines } from './journal-lines.ts';
import { checkUnitHealth, isTimerTriggered, splitDescription } from './unit-health-rules.ts';
import type { UnitSource } from './unit-source.ts';

export interface UnitHealthReport {
  id: string;
  health: number;
  output: string;
  description: string;
  /** Always '' on the node (the master fills it in for per-node views). */
  help: string;
  name: string;
}

export interface NodeIdentity {
  hostname: string;
  ip: string;
  dcos_version: string;
  node_role: string;
  mesos_id: string;
  dcos_diagnostics_version: string;
}

export interface NodeHealthResponse extends NodeIdentity {
  units: UnitHealthReport[];
}

/** Units DC/OS lists in dcos.target.wants but dcos-diagnostics never reports. */
const NOT_REPORTED = new Set(['dcos-setup.service', 'dcos-link-env.service', 'dcos-download.service']);

export const JOURNAL_TAIL_LINES = 50;

/**
 * `probeFailures`: unit → failure text of its liveness probes, or why its state could not be read (only units with
 * a failure). A probe only matters while the unit's own state looks healthy; a unit already unhealthy keeps its
 * rule's text. A unit without properties is left out, unless a failure says why it could not be read.
 */
export async function nodeHealth(
  source: UnitSource,
  identity: NodeIdentity,
  probeFailures: ReadonlyMap<string, string> = new Map(),
): Promise<NodeHealthResponse> {
  const names = source.unitNames().filter((n) => !NOT_REPORTED.has(n));
  const nameSet = new Set(names);
  const units = await Promise.all(
    names.map(async (id): Promise<UnitHealthReport | undefined> => {
      const properties = source.properties(id);
      const verdict = properties === undefined ? undefined : checkUnitHealth(properties, isTimerTriggered(id, nameSet));
      // A failure overrides a healthy verdict, and stands alone for a unit whose state could not be read.
      const failure = verdict?.health === UNHEALTHY ? undefined : probeFailures.get(id);
      const judged = failure === undefined ? verdict : { health: UNHEALTHY, output: failure };
      if (judged === undefined) return undefined;
      const output = judged.health === HEALTHY ? '' : `${judged.output}\n${await journalTail(source, id)}`;
      const { name, description } = splitDescription(id, properties?.Description ?? '');
      return { id, health: judged.health, output, description, help: '', name };
    }),
  );
  return {
    units: units.filter((u): u is UnitHealthReport => u !== undefined),
    hostname: identity.hostname,
    ip: identity.ip,
    dcos_version: identity.dcos_version,
    node_role: identity.node_role,
    mesos_id: identity.mesos_id,
    dcos_diagnostics_version: identity.dcos_diagnostics_version,
  };
}

async function journalTail(source: UnitSource, unit: string): Promise<string> {
  try {
    return journalLines((await source.readJournal(unit, { tail: JOURNAL_TAIL_LINES })).entries);
  } catch (err) {
    return `(journal of ${unit} could not be read: ${(err as Error).message})\n`;
  }
}
