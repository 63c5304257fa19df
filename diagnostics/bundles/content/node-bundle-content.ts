/**
 * What goes into one node's part of a diagnostic bundle (`<ip>_<role>/…`), built from what the node's
 * dcos-diagnostics knows: its units, role, endpoints.json entries, its own health body and the directories it
 * may read. The collectors (journals, health, endpoint dumps, sandboxes, system information, commands) run in
 * parallel with bounded concurrency, each under its own timeout, every file passing through redaction.
 */
import { join } from 'node:path';
import type { BundleSink, NodeBundleContent } from '../bundle-content.ts';
import type { NodeHealthResponse } from '../../health/node-health.ts';
import type { UnitSource } from '../../health/unit-source.ts';
import type { BundleCollector } from './collector.ts';
import { runCollectors } from './collector-runner.ts';
import { commandCollectors, HOST_COMMANDS, type HostCommand } from './command-collector.ts';
import { ENDPOINT_DUMPS, endpointDumpCollectors, type EndpointDump, type NodeRole } from './endpoint-dumps.ts';
import { journalCollectors } from './journal-collector.ts';
import { RedactingSink } from './redacting-sink.ts';
import { redactText } from './redaction.ts';
import { sandboxCollector } from './sandbox-collector.ts';
import { systemInfoCollector } from './system-info-collector.ts';

export { ENDPOINT_DUMPS, HOST_COMMANDS, type EndpointDump, type HostCommand, type NodeRole };
export { secretsFrom, Redaction, redactText, REDACTED, SECRET_NAME } from './redaction.ts';
export { RedactingSink } from './redacting-sink.ts';
export { endpointFileName, commandFileName, sanitizeString } from './bundle-file-names.ts';

export const HEALTH_FILE = 'dcos-diagnostics-health.json';

export interface NodeBundleContentOptions {
  units: UnitSource;
  role: NodeRole;
  /** The node's hostname, as its journal lines name it. */
  hostname: string;
  /** The node's endpoints.json entries (`mesos`, `marathon`, `mesos_dns`, `metrics`, …), read at each write. */
  endpoints: () => Record<string, string>;
  /** The node's own `GET /system/health/v1` body. */
  health: () => Promise<NodeHealthResponse>;
  /**
   * The agent's Mesos work dir (`DATA_DIR/nodes/<ip>/mesos-agent` on minidc), whose `slaves/` hold the task
   * sandboxes; agents only, none: no sandboxes collected.
   */
  agentWorkDir?: string;
  /** Values to redact (see `secretsFrom`); secret-looking `KEY=value` shapes are redacted regardless. */
  secrets: readonly string[];
  /** Journals since this long ago. Default 24 h (DC/OS's `diagnostics-units-since`). */
  journalSinceMs?: number;
  /** Most bytes of one unit's journal text (the newest are kept). Default 64 MiB. */
  journalMaxBytes?: number;
  /** Each collector's timeout. Default 30 s (DC/OS: 1 min). */
  collectorTimeoutMs?: number;
  /** Collectors running at once. Default 4. */
  concurrency?: number;
  /** Per endpoint GET. Default 10 s. */
  httpTimeoutMs?: number;
  /** Largest endpoint body kept. Default 64 MiB. */
  httpMaxBytes?: number;
  /** Newest task sandboxes collected. Default 20. */
  sandboxMaxTasks?: number;
  /** Last bytes kept of each sandbox file. Default 1 MiB. */
  sandboxMaxBytes?: number;
  /** Per command. Default 5 s. */
  commandTimeoutMs?: number;
  /** Most bytes kept of a command's stdout (and of its stderr). Default 4 MiB. */
  commandMaxBytes?: number;
  /** Collect system information (systeminformation). Default true; false: the logs alone (bench:diagnostics). */
  systemInfo?: boolean;
  /** Replace the default lists (tests, a real node with other servers). */
  endpointDumps?: readonly EndpointDump[];
  commands?: readonly HostCommand[];
  now?: () => number;
}

const HOUR_MS = 3_600_000;
const MIB = 1024 * 1024;
/** Defaults the legacy bundle status reports too (`journald_logs_since_hours`, …). */
export const DEFAULT_JOURNAL_SINCE_MS = 24 * HOUR_MS;
export const DEFAULT_COLLECTOR_TIMEOUT_MS = 30_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;

export function nodeBundleContent(options: NodeBundleContentOptions): NodeBundleContent {
  const collectorTimeoutMs = options.collectorTimeoutMs ?? DEFAULT_COLLECTOR_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const collectors = (): BundleCollector[] => [
    {
      name: HEALTH_FILE,
      run: async (sink) => sink.add(HEALTH_FILE, `${JSON.stringify(await options.health(), null, 2)}\n`),
    },
    ...endpointDumpCollectors({
      role: options.role,
      endpoints: options.endpoints,
      timeoutMs: options.httpTimeoutMs ?? 10_000,
      maxBytes: options.httpMaxBytes ?? 64 * MIB,
      ...(options.endpointDumps ? { dumps: options.endpointDumps } : {}),
    }),
    ...journalCollectors({
      units: options.units,
      hostname: options.hostname,
      sinceMs: () => now() - (options.journalSinceMs ?? DEFAULT_JOURNAL_SINCE_MS),
      maxBytes: options.journalMaxBytes ?? 64 * MIB,
    }),
    ...(options.role !== 'master' && options.agentWorkDir !== undefined
      ? [
          sandboxCollector({
            slavesDir: join(options.agentWorkDir, 'slaves'),
            maxTasks: options.sandboxMaxTasks ?? 20,
            maxBytes: options.sandboxMaxBytes ?? MIB,
          }),
        ]
      : []),
    // Parts get most of the collector's time, so a late one is recorded before the collector itself times out.
    ...(options.systemInfo === false ? [] : [systemInfoCollector(Math.floor(collectorTimeoutMs * 0.8))]),
    ...commandCollectors({
      timeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      maxBytes: options.commandMaxBytes ?? 4 * MIB,
      ...(options.commands ? { commands: options.commands } : {}),
    }),
  ];
  return {
    write: async (sink: BundleSink, signal: AbortSignal): Promise<string[]> => {
      // A batch source (systemd) lists its units only once it has taken a snapshot.
      const unreadable = await options.units.refresh?.();
      const errors = await runCollectors(collectors(), new RedactingSink(sink, options.secrets), signal, {
        concurrency: options.concurrency ?? 4,
        timeoutMs: collectorTimeoutMs,
      });
      for (const [unit, why] of unreadable ?? []) errors.push(`${unit}: ${why}`);
      if (signal.aborted) errors.push(`bundle: stopped before every collector finished (${(signal.reason as Error | undefined)?.message ?? 'aborted'})`);
      return errors.map((e) => redactText(e, options.secrets));
    },
  };
}
