/**
 * What answers a node's `GET /system/health/v1`: the unit source read through the health rules, with the node's
 * liveness probes run in parallel (each under its timeout) on every call, so the answer is never stale.
 */
import { nodeHealth, type NodeHealthResponse, type NodeIdentity } from '../health/node-health.ts';
import { DEFAULT_PROBE_TIMEOUT_MS, runProbe, type Probe } from '../probes/probe.ts';
import type { UnitSource } from '../health/unit-source.ts';

export interface NodeHealthReaderOptions {
  units: UnitSource;
  /** Asked per call: the Mesos id is only known once the node registered. */
  identity: () => NodeIdentity;
  /** Asked per call: endpoints appear as units bind. */
  probes: () => Probe[];
  probeTimeoutMs?: number;
}

export function nodeHealthReader(options: NodeHealthReaderOptions): () => Promise<NodeHealthResponse> {
  const timeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  return async () => {
    const failures = new Map(await options.units.refresh?.());
    const probes = options.probes();
    const results = await Promise.all(probes.map((p) => runProbe(p, timeoutMs)));
    probes.forEach((probe, i) => {
      const failure = results[i];
      if (failure === undefined) return;
      const before = failures.get(probe.unit);
      failures.set(probe.unit, before === undefined ? failure : `${before}\n${failure}`);
    });
    return nodeHealth(options.units, options.identity(), failures);
  };
}
