/**
 * `minidc start`'s configuration: defaults, an optional JSON config file, and command-line flags on top. Every
 * problem is reported as one line naming the key, so a bad config never gets as far as starting anything.
 */
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { resolve } from 'node:path';
import { validate as validCron } from 'node-cron';
import { parseDuration } from '../time/duration.ts';
import { Resources } from '../mesos/resources.ts';
import { RECOVER_MODES, type RecoverMode } from '../agent/agent.ts';
import { DEFAULT_LAUNCH_TOKEN_REFRESH_INTERVAL_MS, DEFAULT_LAUNCH_TOKENS } from '../marathon/launch-tokens.ts';

export type PortMode = 'standard' | 'ephemeral';
export type ExecutorKind = 'process' | 'simulated';

export interface AgentConfig {
  ip: string;
  /** Mesos resource text; absent: derived from the host. */
  resources?: string;
  attributes: Record<string, string>;
}

export interface ClusterConfig {
  clusterName: string;
  dataDir: string;
  ports: PortMode;
  masterIp: string;
  agents: AgentConfig[];
  publicAgents: AgentConfig[];
  sampleApp: boolean;
  executor: ExecutorKind;
  agentPingTimeoutMs: number;
  maxAgentPingTimeouts: number;
  allocationIntervalMs: number;
  registryMaxAgentAgeMs: number;
  /** Proxy worker processes per node's VIP layer (0: proxy in minidc's own process). */
  l4lbWorkers: number;
  /** DNS upstreams (`ip` or `ip:port`) for names outside the cluster's zones; absent: the host's; []: none. */
  upstreamResolvers?: string[];
  /** Mesos `--recover`: what agents do with the tasks a previous minidc process left running. */
  recover: RecoverMode;
  /**
   * Host ports agents offer to tasks, as Mesos range text (`[31000-32000]`). Absent: Mesos's range with standard
   * ports; with ephemeral ports a block of the cluster's own, so clusters on one machine never share a port.
   */
  taskPorts?: string;
  /** Marathon's --launch_tokens: task launches allowed per refresh interval, across all apps. */
  marathonLaunchTokens: number;
  /** Marathon's --launch_token_refresh_interval, ms. */
  marathonLaunchTokenRefreshIntervalMs: number;
  /** Marathon's --max_instances_per_offer. */
  marathonMaxInstancesPerOffer: number;
  /** How long the master's diagnostics waits after one pull of every node's health before the next, ms. */
  diagnosticsPullIntervalMs: number;
  /** Diagnostic bundles kept per node (and cluster bundles on the master); older finished ones are removed. */
  diagnosticsBundleRetention: number;
  /** A bundle still being made after this long fails, ms. */
  diagnosticsBundleTimeoutMs: number;
  /** A new bundle is refused (507) while the bundle filesystem has less free than this, bytes. */
  diagnosticsMinFreeDiskBytes: number;
  /** How long dcos-history keeps its 1-minute samples (at least an hour: `/history/hour` must be whole), ms. */
  historyRetentionMs: number;
  /** dcos-spartan-watchdog.timer's node-cron schedule. */
  dnsWatchdogSchedule: string;
  /** No watchdog run before this long after its timer starts (DC/OS's ExecStartPre=/bin/sleep 60), ms. */
  dnsWatchdogDelayMs: number;
  /** dcos-gen-resolvconf.timer's node-cron schedule. */
  genResolvconfSchedule: string;
  /** `search` domains of the resolv.conf dcos-gen-resolvconf writes (DC/OS's `dns_search`); empty: no search line. */
  dnsSearch: string[];
  /** DC/OS's telemetry_enabled: false, and Signal collects and sends nothing. */
  telemetryEnabled: boolean;
  /** Where Signal POSTs its batch (http or https URL); absent (the default), nothing leaves the machine. */
  signalEndpoint?: string;
  /** When dcos-signal.timer triggers a run: a node-cron expression (6 fields: with seconds). */
  signalSchedule: string;
  /** A log is rotated once it reaches this many bytes (`logrotate_max_size_mb`, MiB, fractions allowed). */
  logrotateMaxSizeBytes: number;
  /** Rotations kept per log (`.1`, `.2.gz` … `.N.gz`). */
  logrotateRotateCount: number;
  /** Files per log folder at most; the oldest rotations beyond it are removed. */
  logrotateMaxFiles: number;
  /** node-cron expression of the logrotate timers. */
  logrotateSchedule: string;
  /** The master's Admin Router port; absent: 80 as root else 8000 with `--ports standard`, OS-chosen with `ephemeral`. */
  adminrouterMasterPort?: number;
  /** The agents' Admin Router port; absent: 61001 with `--ports standard`, OS-chosen with `ephemeral`. */
  adminrouterAgentPort?: number;
  /** dcos-adminrouter-reload.timer's node-cron schedule (DC/OS: hourly). */
  adminrouterReloadSchedule: string;
  /** DC/OS's adminrouter_auth_enabled: false, and the master's Admin Router admits every request (open mode). */
  adminrouterAuthEnabled: boolean;
  /** Largest request body Admin Router hands on to an upstream (`adminrouter_max_body_size_mb`), bytes; larger: 413. */
  adminrouterMaxBodyBytes: number;
  /** A file holding an HS256 secret; tokens signed with it are admitted besides the cluster's RS256 ones. */
  authHs256SecretFile?: string;
  /** How long a token from `/acs/api/v1/auth/login` is valid, ms. */
  authTokenLifetimeMs: number;
}

export class ConfigError extends Error {}

/** Flags as `minidc start` parses them (absent: not given). */
export interface StartFlags {
  config?: string;
  dataDir?: string;
  agents?: string;
  publicAgents?: string;
  ports?: string;
  sample?: boolean;
}

const KEYS = [
  'cluster_name',
  'data_dir',
  'ports',
  'master_ip',
  'agents',
  'public_agents',
  'sample_app',
  'executor',
  'agent_ping_timeout',
  'max_agent_ping_timeouts',
  'allocation_interval',
  'registry_max_agent_age',
  'l4lb_workers',
  'upstream_resolvers',
  'agent_recover',
  'task_ports',
  'marathon_launch_tokens',
  'marathon_launch_token_refresh_interval',
  'marathon_max_instances_per_offer',
  'diagnostics_pull_interval',
  'diagnostics_bundle_retention',
  'diagnostics_bundle_timeout',
  'diagnostics_min_free_disk_mb',
  'history_retention',
  'dns_watchdog_schedule',
  'dns_watchdog_delay',
  'gen_resolvconf_schedule',
  'dns_search',
  'telemetry_enabled',
  'signal_endpoint',
  'signal_schedule',
  'logrotate_max_size_mb',
  'logrotate_rotate_count',
  'logrotate_max_files',
  'logrotate_schedule',
  'adminrouter_master_port',
  'adminrouter_agent_port',
  'adminrouter_reload_schedule',
  'adminrouter_auth_enabled',
  'adminrouter_max_body_size_mb',
  'auth_hs256_secret_file',
  'auth_token_lifetime',
] as const;

const MAX_AGENTS = 250;

export function loadClusterConfig(flags: StartFlags, cwd = process.cwd()): ClusterConfig {
  let file: Record<string, unknown> = {};
  if (flags.config !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, flags.config), 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config ${flags.config}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`config ${flags.config} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new ConfigError(`config ${flags.config} must be a JSON object`);
    file = parsed as Record<string, unknown>;
    for (const key of Object.keys(file))
      if (!(KEYS as readonly string[]).includes(key))
        throw new ConfigError(`config ${flags.config}: unknown key '${key}' (known: ${KEYS.join(', ')})`);
  }

  const str = (key: string, fallback: string): string => {
    const v = file[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || v === '') throw new ConfigError(`config: '${key}' must be a non-empty string`);
    return v;
  };
  const duration = (key: string, fallback: string): number => {
    const text = str(key, fallback);
    try {
      const ms = parseDuration(text);
      if (!(ms > 0)) throw new Error('must be positive');
      return ms;
    } catch (err) {
      throw new ConfigError(`config: '${key}': ${(err as Error).message}`);
    }
  };

  const wholeNumber = (key: string, fallback: number, min = 0): number => {
    const v = file[key] ?? fallback;
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > 1_000_000)
      throw new ConfigError(`config: '${key}' must be a whole number from ${min} to 1000000`);
    return v as number;
  };
  const positiveInteger = (key: string, fallback: number): number => wholeNumber(key, fallback, 1);

  const masterIp = str('master_ip', '127.0.1.1');
  if (!isIPv4(masterIp)) throw new ConfigError(`config: 'master_ip' must be an IPv4 address, not '${masterIp}'`);

  const ports = flags.ports ?? str('ports', 'standard');
  if (ports !== 'standard' && ports !== 'ephemeral')
    throw new ConfigError(`--ports must be 'standard' or 'ephemeral', not '${ports}'`);
  const executor = str('executor', 'process');
  if (executor !== 'process' && executor !== 'simulated')
    throw new ConfigError(`config: 'executor' must be 'process' or 'simulated', not '${executor}'`);

  const sampleFromFile = file.sample_app;
  if (sampleFromFile !== undefined && typeof sampleFromFile !== 'boolean')
    throw new ConfigError("config: 'sample_app' must be true or false");

  const maxPings = file.max_agent_ping_timeouts ?? 5;
  if (!Number.isInteger(maxPings) || (maxPings as number) < 1)
    throw new ConfigError("config: 'max_agent_ping_timeouts' must be a positive integer");

  const l4lbWorkers = file.l4lb_workers ?? 0;
  if (!Number.isInteger(l4lbWorkers) || (l4lbWorkers as number) < 0 || (l4lbWorkers as number) > 8)
    throw new ConfigError("config: 'l4lb_workers' must be a whole number from 0 to 8");

  const resolvers = file.upstream_resolvers;
  if (
    resolvers !== undefined &&
    (!Array.isArray(resolvers) || !resolvers.every((r) => typeof r === 'string' && /^[0-9a-fA-F.:[\]]+$/.test(r)))
  )
    throw new ConfigError("config: 'upstream_resolvers' must be a list of addresses such as \"10.0.0.2\" or \"10.0.0.2:53\"");

  const recover = str('agent_recover', 'reconnect');
  if (!(RECOVER_MODES as readonly string[]).includes(recover))
    throw new ConfigError(`config: 'agent_recover' must be ${RECOVER_MODES.map((m) => `'${m}'`).join(' or ')}, not '${recover}'`);
  const taskPorts = file.task_ports === undefined ? undefined : readTaskPorts(file.task_ports);

  const cronSchedule = (key: string, fallback: string): string => {
    const text = str(key, fallback);
    if (!validCron(text)) throw new ConfigError(`config: '${key}' must be a cron expression such as "*/5 * * * *", not '${text}'`);
    return text;
  };
  const dnsWatchdogDelay = str('dns_watchdog_delay', '60secs');
  let dnsWatchdogDelayMs: number;
  try {
    dnsWatchdogDelayMs = parseDuration(dnsWatchdogDelay);
    if (!(dnsWatchdogDelayMs >= 0)) throw new Error('must not be negative');
  } catch (err) {
    throw new ConfigError(`config: 'dns_watchdog_delay': ${(err as Error).message}`);
  }
  const dnsSearch = file.dns_search ?? '';
  const searchDomains = typeof dnsSearch === 'string' ? dnsSearch.split(/\s+/).filter((d) => d !== '') : [];
  if (typeof dnsSearch !== 'string' || !searchDomains.every((d) => /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/.test(d)))
    throw new ConfigError("config: 'dns_search' must be domains separated by spaces, such as \"corp.example.com example.com\"");
  const telemetryEnabled = file.telemetry_enabled ?? true;
  if (typeof telemetryEnabled !== 'boolean') throw new ConfigError("config: 'telemetry_enabled' must be true or false");
  const signalEndpoint = file.signal_endpoint === undefined ? undefined : readHttpUrl('signal_endpoint', file.signal_endpoint);
  const authEnabled = file.adminrouter_auth_enabled ?? true;
  if (typeof authEnabled !== 'boolean') throw new ConfigError("config: 'adminrouter_auth_enabled' must be true or false");
  const hs256SecretFile = file.auth_hs256_secret_file === undefined ? undefined : resolve(cwd, str('auth_hs256_secret_file', ''));

  const config: ClusterConfig = {
    clusterName: str('cluster_name', 'minidc'),
    dataDir: resolve(cwd, flags.dataDir ?? str('data_dir', '.minidc')),
    ports,
    masterIp,
    agents: readAgents('agents', flags.agents ?? file.agents, 2, '127.0.2.'),
    publicAgents: readAgents('public_agents', flags.publicAgents ?? file.public_agents, 1, '127.0.3.'),
    sampleApp: flags.sample === false ? false : (sampleFromFile ?? true),
    executor,
    agentPingTimeoutMs: duration('agent_ping_timeout', '15secs'),
    maxAgentPingTimeouts: maxPings as number,
    allocationIntervalMs: duration('allocation_interval', '1secs'),
    registryMaxAgentAgeMs: duration('registry_max_agent_age', '2weeks'),
    l4lbWorkers: l4lbWorkers as number,
    ...(resolvers === undefined ? {} : { upstreamResolvers: resolvers as string[] }),
    recover: recover as RecoverMode,
    ...(taskPorts === undefined ? {} : { taskPorts }),
    marathonLaunchTokens: positiveInteger('marathon_launch_tokens', DEFAULT_LAUNCH_TOKENS),
    marathonLaunchTokenRefreshIntervalMs: duration('marathon_launch_token_refresh_interval', `${DEFAULT_LAUNCH_TOKEN_REFRESH_INTERVAL_MS}ms`),
    marathonMaxInstancesPerOffer: positiveInteger('marathon_max_instances_per_offer', 5),
    diagnosticsPullIntervalMs: duration('diagnostics_pull_interval', '15secs'),
    diagnosticsBundleRetention: positiveInteger('diagnostics_bundle_retention', 10),
    diagnosticsBundleTimeoutMs: duration('diagnostics_bundle_timeout', '30mins'),
    diagnosticsMinFreeDiskBytes: wholeNumber('diagnostics_min_free_disk_mb', 100) * 1024 * 1024,
    historyRetentionMs: duration('history_retention', '24hrs'),
    dnsWatchdogSchedule: cronSchedule('dns_watchdog_schedule', '*/5 * * * *'),
    dnsWatchdogDelayMs,
    genResolvconfSchedule: cronSchedule('gen_resolvconf_schedule', '* * * * *'),
    dnsSearch: searchDomains,
    telemetryEnabled,
    ...(signalEndpoint === undefined ? {} : { signalEndpoint }),
    signalSchedule: cronSchedule('signal_schedule', '0 * * * *'),
    logrotateMaxSizeBytes: readSizeMb('logrotate_max_size_mb', file.logrotate_max_size_mb, 256),
    logrotateRotateCount: positiveInteger('logrotate_rotate_count', 137),
    logrotateMaxFiles: positiveInteger('logrotate_max_files', 162),
    logrotateSchedule: cronSchedule('logrotate_schedule', '*/2 * * * *'),
    ...optionalPort('adminrouter_master_port', file.adminrouter_master_port, 'adminrouterMasterPort'),
    ...optionalPort('adminrouter_agent_port', file.adminrouter_agent_port, 'adminrouterAgentPort'),
    adminrouterReloadSchedule: cronSchedule('adminrouter_reload_schedule', '0 * * * *'),
    adminrouterAuthEnabled: authEnabled,
    adminrouterMaxBodyBytes: readSizeMb('adminrouter_max_body_size_mb', file.adminrouter_max_body_size_mb, 1024),
    ...(hs256SecretFile === undefined ? {} : { authHs256SecretFile: hs256SecretFile }),
    authTokenLifetimeMs: duration('auth_token_lifetime', '5days'),
  };
  if (config.historyRetentionMs < 3_600_000) throw new ConfigError("config: 'history_retention' must be at least 1hrs");
  const ips = [config.masterIp, ...config.agents.map((a) => a.ip), ...config.publicAgents.map((a) => a.ip)];
  const dup = ips.find((ip, i) => ips.indexOf(ip) !== i);
  if (dup !== undefined) throw new ConfigError(`config: two nodes share the address ${dup}`);
  return config;
}

/** A port key such as `adminrouter_master_port` (1-65535), as the config field it sets; absent: nothing. */
function optionalPort<F extends string>(key: string, raw: unknown, field: F): Partial<Record<F, number>> {
  if (raw === undefined) return {};
  if (!Number.isInteger(raw) || (raw as number) < 1 || (raw as number) > 65535) throw new ConfigError(`config: '${key}' must be a port from 1 to 65535`);
  return { [field]: raw } as Partial<Record<F, number>>;
}

/** An http(s) URL such as `signal_endpoint`. */
function readHttpUrl(key: string, raw: unknown): string {
  const problem = `config: '${key}' must be an http or https URL such as "https://collector.example.com/v1/batch"`;
  if (typeof raw !== 'string') throw new ConfigError(problem);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(problem);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(problem);
  return raw;
}

/** A size in MiB, fractions allowed (a test wants a log rotated after a few KB), as whole bytes (at least 1). */
function readSizeMb(key: string, raw: unknown, fallback: number): number {
  const v = raw ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1_000_000)
    throw new ConfigError(`config: '${key}' must be a number of MiB above 0 and at most 1000000 (fractions allowed)`);
  return Math.max(1, Math.round(v * 1024 * 1024));
}

/** `task_ports`: Mesos range text of ports (e.g. `[31000-32000]`), nothing else. */
function readTaskPorts(raw: unknown): string {
  const problem = "config: 'task_ports' must be Mesos port ranges such as \"[31000-32000]\"";
  if (typeof raw !== 'string') throw new ConfigError(problem);
  let parsed: Resources;
  try {
    parsed = Resources.parse(`ports:${raw}`);
  } catch (err) {
    throw new ConfigError(`${problem}: ${(err as Error).message}`);
  }
  const e = parsed.entries[0];
  if (!e || e.kind !== 'ranges' || e.ranges.length === 0 || e.ranges.some(([b, x]) => b < 1 || x > 65535))
    throw new ConfigError(`${problem} within 1-65535`);
  return raw;
}

/** `agents`: a count (flag or config), or a list of per-agent objects `{ip?, resources?, attributes?}`. */
function readAgents(key: string, raw: unknown, fallback: number, prefix: string): AgentConfig[] {
  const name = key === 'agents' ? '--agents' : '--public-agents';
  if (raw === undefined) raw = fallback;
  if (typeof raw === 'string') {
    if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, not '${raw}'`);
    raw = Number(raw);
  }
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 0 || raw > MAX_AGENTS)
      throw new ConfigError(`${name} must be a whole number from 0 to ${MAX_AGENTS}, not ${raw}`);
    return Array.from({ length: raw }, (_, i) => ({ ip: `${prefix}${i + 1}`, attributes: {} }));
  }
  if (!Array.isArray(raw)) throw new ConfigError(`config: '${key}' must be a number or a list of agents`);
  if (raw.length > MAX_AGENTS) throw new ConfigError(`config: '${key}' lists more than ${MAX_AGENTS} agents`);
  return raw.map((entry: unknown, i) => {
    const where = `config: '${key}[${i}]'`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ConfigError(`${where} must be an object`);
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e))
      if (!['ip', 'resources', 'attributes'].includes(k)) throw new ConfigError(`${where}: unknown key '${k}'`);
    const ip = e.ip ?? `${prefix}${i + 1}`;
    if (typeof ip !== 'string' || !isIPv4(ip)) throw new ConfigError(`${where}.ip must be an IPv4 address`);
    const out: AgentConfig = { ip, attributes: {} };
    if (e.resources !== undefined) {
      if (typeof e.resources !== 'string') throw new ConfigError(`${where}.resources must be Mesos resource text`);
      try {
        Resources.parse(e.resources);
      } catch (err) {
        throw new ConfigError(`${where}.resources: ${(err as Error).message}`);
      }
      out.resources = e.resources;
    }
    if (e.attributes !== undefined) {
      if (typeof e.attributes !== 'object' || e.attributes === null || Array.isArray(e.attributes))
        throw new ConfigError(`${where}.attributes must be an object of strings`);
      for (const [k, v] of Object.entries(e.attributes)) {
        if (typeof v !== 'string') throw new ConfigError(`${where}.attributes.${k} must be a string`);
        out.attributes[k] = v;
      }
    }
    return out;
  });
}
