/**
 * `minidc diagnostics --systemd`: dcos-diagnostics on a real Linux node. The same diagnostics unit the embedded nodes
 * run (node-health reader and plugin, liveness probes, the aggregated routes as on a node that does not pull), with
 * units read from systemd (diagnostics/systemd/) instead of a minidc registry, and this host's identity. The embedded
 * cluster's diagnostics is not started here: it is a unit of `minidc start`.
 */
import { readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIPv4 } from 'node:net';
import { InvalidArgumentError, type Command } from 'commander';
import { networkInterfaces } from 'systeminformation';
import { nodeBundleContent, secretsFrom } from '../diagnostics/bundles/content/node-bundle-content.ts';
import { DiagnosticsUnit } from '../diagnostics/diagnostics-unit.ts';
import { DCOS_TARGET_WANTS } from '../diagnostics/systemd/dcos-target-wants.ts';
import { DEFAULT_SYSTEMD_TIMEOUT_MS, SystemdUnitSource } from '../diagnostics/systemd/systemd-unit-source.ts';
import type { NodeRole } from '../runtime/cluster/endpoints-file.ts';
import { STANDARD_PORTS } from '../runtime/cluster/standard-ports.ts';
import { fail } from '../runtime/cli.ts';
import { systemTime } from '../runtime/time/system-time.ts';
import { createHttpServer, journalInternalErrors } from '../runtime/http/http-server.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import { oneLineUsageErrors } from './cli/cluster-options.ts';
import { dcosNodeEndpoints, PROBED_ENDPOINTS } from './dcos-node-endpoints.ts';
import { parseListen, runInForeground, secondsFlag, type ListenAddress, type StopForeground } from './foreground-command.ts';
import { MINIDC_VERSION } from './minidc-version.ts';

/** dcos-diagnostics' port, on loopback unless told otherwise (DC/OS put Admin Router in front of it). */
export const DEFAULT_LISTEN = `127.0.0.1:${STANDARD_PORTS.diagnosticsMaster}`;
const ROLES: readonly NodeRole[] = ['master', 'agent', 'agent_public'];
/** DC/OS marks a node's role with a file here: master, slave, slave_public. */
const DCOS_ROLES_DIR = '/etc/mesosphere/roles';
const DCOS_ROLE_FILES: Readonly<Record<string, NodeRole>> = { master: 'master', slave: 'agent', slave_public: 'agent_public' };
const parseTimeout = secondsFlag(60);
/** DC/OS's `diagnostics_bundles_dir` (gen/calc.py). */
export const DCOS_BUNDLE_DIR = '/var/lib/dcos/dcos-diagnostics/diag-bundles';
/** DC/OS's Mesos agent work dir, whose `slaves/` hold the task sandboxes. */
const DCOS_AGENT_WORK_DIR = '/var/lib/mesos/slave';

export interface SystemdDiagnosticsOptions extends ListenAddress {
  role: NodeRole;
  ip: string;
  wantsDir: string;
  systemctl: string;
  journalctl: string;
  timeoutMs: number;
  endpoints: Record<string, string>;
  /** Where this node's bundles go (the v2 node bundle routes). */
  bundleDir: string;
}

interface CommandOptions {
  systemd?: boolean;
  listen?: ListenAddress;
  role?: NodeRole;
  ip?: string;
  wantsDir?: string;
  systemctl?: string;
  journalctl?: string;
  timeout?: number;
  endpoint?: Record<string, string>;
  bundleDir?: string;
}

function parseRole(text: string): NodeRole {
  const role = ROLES.find((r) => r === text);
  if (role === undefined) throw new InvalidArgumentError(`Expected one of ${ROLES.join(', ')}.`);
  return role;
}

function parseIp(text: string): string {
  if (!isIPv4(text)) throw new InvalidArgumentError('Expected an IPv4 address.');
  return text;
}

function parseEndpoint(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = text.indexOf('=');
  const name = text.slice(0, Math.max(eq, 0));
  if (!(PROBED_ENDPOINTS as readonly string[]).includes(name) || eq === text.length - 1)
    throw new InvalidArgumentError(`Expected NAME=ADDRESS with NAME one of ${PROBED_ENDPOINTS.join(', ')}.`);
  return { ...previous, [name]: text.slice(eq + 1) };
}

/** The role DC/OS's installer marked this node with, if exactly one. */
function detectedRole(): NodeRole | undefined {
  let files: string[];
  try {
    files = readdirSync(DCOS_ROLES_DIR);
  } catch {
    return undefined;
  }
  const roles = [...new Set(files.map((f) => DCOS_ROLE_FILES[f]).filter((r) => r !== undefined))];
  return roles.length === 1 ? roles[0] : undefined;
}

/** The IPv4 address of the interface the default route leaves by (what DC/OS's detect_ip usually answers). */
async function detectedIp(): Promise<string> {
  const ip = (await networkInterfaces('default')).ip4;
  if (!isIPv4(ip)) throw new Error('cannot detect this host\'s IP address (no default route?): give --ip');
  return ip;
}

const log = (message: string) => process.stderr.write(`minidc diagnostics: ${message}\n`);

/** Starts serving and resolves with how to stop; startup failures throw one-line errors. */
export async function startSystemdDiagnostics(options: SystemdDiagnosticsOptions, out: (line: string) => void): Promise<StopForeground> {
  const units = new SystemdUnitSource({
    wantsDir: options.wantsDir,
    systemctl: options.systemctl,
    journalctl: options.journalctl,
    timeoutMs: options.timeoutMs,
  });
  await units.check();
  // A bundle also dumps the servers DC/OS's endpoint config names (Mesos-DNS, the forwarder's API, Telegraf).
  const dumped = {
    mesos_dns: `http://${options.ip}:${STANDARD_PORTS.mesosDnsHttp}`,
    dns_forwarder_api: `http://${options.ip}:${STANDARD_PORTS.dnsForwarderApi}`,
    metrics: `http://${options.ip}:${STANDARD_PORTS.metrics}`,
    ...options.endpoints,
  };
  const diagnostics: DiagnosticsUnit = new DiagnosticsUnit({
    units,
    identity: () => ({
      hostname: hostname(),
      ip: options.ip,
      dcos_version: process.env.DCOS_VERSION ?? '',
      node_role: options.role,
      // Not looked up: the master's aggregation keys nodes by IP.
      mesos_id: '',
      dcos_diagnostics_version: MINIDC_VERSION,
    }),
    endpoints: () => options.endpoints,
    host: options.host,
    port: options.port,
    bundles: {
      dir: options.bundleDir,
      clock: systemTime,
      content: nodeBundleContent({
        units,
        role: options.role,
        hostname: hostname(),
        endpoints: () => dumped,
        health: () => diagnostics.nodeHealth(),
        ...(options.role === 'master' ? {} : { agentWorkDir: DCOS_AGENT_WORK_DIR }),
        // No cluster config here: the environment's secret-looking values, and secret shapes anywhere.
        secrets: secretsFrom({}, process.env),
      }),
    },
    createServer: (unitLog) => createHttpServer({ onInternalError: journalInternalErrors(unitLog) }),
    listen: listenHttp,
  });
  await diagnostics.start({ log });
  out(`minidc diagnostics: ${options.role} ${options.ip}, units from ${options.wantsDir} (systemctl, journalctl)`);
  out(`minidc diagnostics: serving ${diagnostics.url}/system/health/v1 and node bundles (${options.bundleDir}); Ctrl-C to stop`);
  return () => diagnostics.stop();
}

export function installDiagnosticsCommand(program: Command): void {
  oneLineUsageErrors(program.command('diagnostics'))
    .description("serve this host's dcos-diagnostics GET /system/health/v1 from systemd (--systemd); the embedded cluster's runs under `minidc start`")
    .option('--systemd', "read the host's dcos-* units from systemd (systemctl show, journalctl)")
    .option('--listen <addr>', `host:port to serve on, port 0 for any (default ${DEFAULT_LISTEN})`, parseListen)
    .option('--role <role>', `${ROLES.join('|')} (default: from ${DCOS_ROLES_DIR})`, parseRole)
    .option('--ip <addr>', "this node's address as reported and probed (default: the default route's interface)", parseIp)
    .option('--wants-dir <dir>', `where dcos.target's units are linked (default ${DCOS_TARGET_WANTS})`)
    .option('--systemctl <path>', 'the systemctl binary (default systemctl on PATH)')
    .option('--journalctl <path>', 'the journalctl binary (default journalctl on PATH)')
    .option('--timeout <secs>', `cut-off of each systemctl and journalctl run (default ${DEFAULT_SYSTEMD_TIMEOUT_MS / 1000})`, parseTimeout)
    .option('--bundle-dir <dir>', `where this node's diagnostic bundles go (default ${DCOS_BUNDLE_DIR})`)
    .option('--endpoint <name=addr>', `a probed endpoint instead of DC/OS's default (${PROBED_ENDPOINTS.join(', ')}; repeatable)`, parseEndpoint)
    .action(async (opts: CommandOptions) => {
      if (opts.systemd !== true)
        fail("diagnostics without --systemd: the embedded cluster's dcos-diagnostics runs on every node under `minidc start`");
      const role = opts.role ?? detectedRole();
      if (role === undefined) fail(`cannot tell this node's role from ${DCOS_ROLES_DIR}: give --role ${ROLES.join('|')}`);
      const { host, port } = opts.listen ?? parseListen(DEFAULT_LISTEN);
      await runInForeground('diagnostics', async () => {
        const ip = opts.ip ?? (await detectedIp());
        const options: SystemdDiagnosticsOptions = {
          host,
          port,
          role,
          ip,
          wantsDir: opts.wantsDir ?? DCOS_TARGET_WANTS,
          systemctl: opts.systemctl ?? 'systemctl',
          journalctl: opts.journalctl ?? 'journalctl',
          timeoutMs: opts.timeout ?? DEFAULT_SYSTEMD_TIMEOUT_MS,
          endpoints: { ...dcosNodeEndpoints(ip, role), ...opts.endpoint },
          bundleDir: opts.bundleDir ?? DCOS_BUNDLE_DIR,
        };
        return startSystemdDiagnostics(options, (line) => process.stdout.write(`${line}\n`));
      });
    });
}
