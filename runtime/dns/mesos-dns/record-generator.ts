/**
 * Mesos-DNS's record generation as a pure function: `/master/state` JSON in, records out (into a sink). Names are
 * Mesos-DNS's: frameworks, agents, the name server, masters, then every running task on a known agent.
 *
 * Where Mesos-DNS leaves a choice open, minidc picks:
 * - task IPs as DC/OS's pinned Mesos-DNS does: the IPs of all `ipSources` in order, then the first IPv4 and the
 *   first IPv6 (DC/OS configures `["host","netinfo"]`: A = agent IP, AAAA = a container IPv6 if any);
 * - hosts that are not IP literals are skipped, not resolved (Mesos PIDs carry IPs);
 * - the canonical label `<task>-<hash>-<agent>` is kept within 63 characters by shortening the task part.
 *
 * Names are built as wire keys, and tasks are grouped by the name they publish, so each shared name is built and
 * hashed once per group rather than once per task — that is what keeps 100,000 tasks fast.
 */
import { labelsToWireKey, nameToWireKey } from '../wire/dns-names.ts';
import type { LabelSpec } from './labels.ts';
import { sanitizeDomainFragment, sanitizeLabel } from './labels.ts';
import type { DiscoveryPort, IpSource, MesosAgent, MesosFramework, MesosState, MesosTask } from './mesos-state.ts';
import {
  StateError,
  asArray,
  asObject,
  asString,
  hostIps,
  ipsFromSource,
  latestRunningStatus,
  parsePid,
  parsePortRanges,
} from './mesos-state.ts';
import type { RecordSink } from './record-set.ts';
import { SrvList } from './record-set.ts';
import { TaskHashCache } from './zbase32.ts';

export interface GeneratorConfig {
  /** Lower-case, no trailing dot (`mesos`). */
  domain: string;
  ipSources: readonly IpSource[];
  labelSpec: LabelSpec;
  /** Configured masters (`ip` or `ip:port`), in order: `master0`, `master1`, … */
  masters: readonly string[];
  /** Addresses of this name server, published under the SOA MNAME (`ns1.mesos.`). */
  nameServerIps: readonly string[];
  /** FQDN with trailing dot. */
  soaMname: string;
}

/** A sink that also wants the frameworks and tasks themselves (`/v1/enumerate`). */
export interface EnumeratingSink extends RecordSink {
  framework(id: string, rawName: string): void;
  /** Called before any record owned by `owner` (the task) is added. */
  task(frameworkId: string, rawName: string, id: string, owner: object): void;
}

/** At most this many ports per task are published (one SRV record each). */
export const MAX_PORTS_PER_TASK = 1024;

const isEnumerating = (sink: RecordSink): sink is EnumeratingSink => 'task' in sink;

/** Wire key of a dotted fragment whose labels are already valid (`marathon`, `myapp.mygroup`). */
const fragmentKey = (fragment: string): string =>
  fragment.includes('.') ? labelsToWireKey(fragment.split('.')) : String.fromCharCode(fragment.length) + fragment;

const TCP = '\x04_tcp';
const UDP = '\x04_udp';
const SLAVE = '\x05slave';

/** Throws StateError when the state cannot be used at all (then the previous records stay in service). */
export function generateRecords(
  stateJson: unknown,
  config: GeneratorConfig,
  sink: RecordSink,
  hashes: TaskHashCache = new TaskHashCache(),
): void {
  const state = asObject<MesosState>(stateJson);
  if (state === undefined) throw new StateError('master state is not a JSON object');
  const leader = parsePid(state.leader);
  if (leader === undefined || leader.host === '') throw new StateError('master state has no leader');
  const d = fragmentKey(config.domain);
  const enumerating = isEnumerating(sink) ? sink : undefined;

  const frameworks: { fw: MesosFramework; key: string }[] = [];
  for (const f of asArray(state.frameworks)) {
    const fw = asObject<MesosFramework>(f);
    if (fw === undefined) continue;
    enumerating?.framework(asString(fw.id), asString(fw.name));
    const label = sanitizeDomainFragment(asString(fw.name), config.labelSpec);
    if (label === '') continue;
    const key = fragmentKey(label);
    frameworks.push({ fw, key });
    const pid = parsePid(fw.pid);
    const ips = hostIps(pid?.host ?? '');
    sink.addresses(key + d, ips.length > 0 ? ips : hostIps(asString(fw.hostname)));
    const port = Number(pid?.port);
    if (port > 0) sink.srv(`\x0a_framework${TCP}${key}${d}`, key + d, port);
  }

  const agents = new Map<string, Agent>();
  for (const a of asArray(state.slaves)) {
    const agent = asObject<MesosAgent>(a);
    const id = asString(agent?.id);
    const pid = parsePid(agent?.pid);
    if (id === '' || pid === undefined) continue;
    const ips = Object.freeze(hostIps(pid.host));
    agents.set(id, { ips, tail: sanitizeLabel(id.slice(id.lastIndexOf('-') + 1), config.labelSpec) });
    sink.addresses(SLAVE + d, ips);
    const port = Number(pid.port);
    if (port > 0) sink.srv(`\x06_slave${TCP}${d}`, SLAVE + d, port);
  }

  const nameServer = nameToWireKey(config.soaMname);
  if (nameServer !== undefined) sink.addresses(nameServer, config.nameServerIps);
  masterRecords(d, leader, config.masters, sink);

  const tasks = new TaskRecords(d, config, sink, hashes);
  for (const { fw, key } of frameworks) {
    const fwId = asString(fw.id);
    // Tasks by the name they publish; records are then written name by name.
    const groups = new Map<string, RunningTask[]>();
    for (const t of asArray(fw.tasks)) {
      const task = asObject<MesosTask>(t);
      if (task?.state !== 'TASK_RUNNING') continue;
      const agent = agents.get(asString(task.slave_id));
      if (agent === undefined) continue;
      enumerating?.task(fwId, asString(task.name), asString(task.id), task);
      for (const name of tasks.namesOf(task)) {
        const members = groups.get(name);
        if (members === undefined) groups.set(name, [{ task, agent }]);
        else members.push({ task, agent });
      }
    }
    for (const [name, members] of groups) tasks.write(name, members, key);
  }
}

interface Agent {
  /** Frozen: shared by the records of every task on the agent. */
  ips: readonly string[];
  /** Last `-` field of the agent ID, as a label (`…-S1` → `s1`). */
  tail: string;
}

interface RunningTask {
  task: MesosTask;
  agent: Agent;
}

function masterRecords(d: string, leader: { host: string; port: string }, masters: readonly string[], sink: RecordSink): void {
  const leaderIps = hostIps(leader.host);
  const leaderKey = `\x06leader${d}`;
  const masterKey = `\x06master${d}`;
  sink.addresses(leaderKey, leaderIps);
  sink.addresses(masterKey, leaderIps);
  const port = Number(leader.port);
  if (port > 0) {
    sink.srv(`\x07_leader${TCP}${d}`, leaderKey, port);
    sink.srv(`\x07_leader${UDP}${d}`, leaderKey, port);
  }
  let index = 0;
  let leaderListed = false;
  for (const m of masters) {
    const master = parsePid(m);
    if (master === undefined) continue;
    const isLeader = master.host === leader.host && (master.port === '' || master.port === leader.port);
    const ips = hostIps(master.host);
    if (!isLeader) sink.addresses(masterKey, ips);
    sink.addresses(fragmentKey(`master${index++}`) + d, ips);
    leaderListed ||= isLeader;
  }
  // A leader missing from the configured list still gets a masterN name.
  if (!leaderListed) sink.addresses(fragmentKey(`master${index}`) + d, leaderIps);
}

class TaskRecords {
  private readonly labels = new Map<string, string>();
  private readonly portRanges = new Map<string, number[]>();

  constructor(
    private readonly d: string,
    private readonly config: GeneratorConfig,
    private readonly sink: RecordSink,
    private readonly hashes: TaskHashCache,
  ) {}

  /** The names a task publishes: its sanitised name, or with DiscoveryInfo that name raw and sanitised. */
  namesOf(task: MesosTask): string[] {
    const discoveryName = asString(task.discovery?.name);
    if (discoveryName === '') {
      const clean = this.label(asString(task.name));
      return clean === '' ? [] : [clean];
    }
    // Mesos-DNS also publishes the raw DiscoveryInfo name (dots kept as label separators) — its "legacy" twin.
    const names: string[] = [];
    const raw = discoveryName.toLowerCase();
    if (isUsableRawName(raw)) names.push(raw);
    const clean = this.label(discoveryName);
    if (clean !== '' && clean !== raw) names.push(clean);
    return names;
  }

  /** All records of the tasks publishing `name` in one framework, name by name. */
  write(name: string, members: readonly RunningTask[], fwKey: string): void {
    const { sink, d } = this;
    const fw = fwKey + d;
    const fwSlave = fwKey + SLAVE + d;
    const nameKey = fragmentKey(name);
    const service = fragmentKey(`_${name}`);
    const n = members.length;
    // Per-member facts, computed once (short-lived: they die with this group).
    const ips: (readonly string[])[] = new Array(n);
    const canonicalFw: string[] = new Array(n);
    const canonicalSlave: string[] = new Array(n);
    const hostPorts: (readonly number[])[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const { task, agent } = members[i]!;
      ips[i] = this.taskIps(task, agent.ips);
      const canonical = fragmentKey(canonicalLabel(name, this.hashes.get(asString(task.id)), agent.tail));
      canonicalFw[i] = canonical + fw;
      // One string object per canonical name, shared by its records and the SRV values pointing at it.
      canonicalSlave[i] = canonical + fwSlave;
      hostPorts[i] = this.ports(task.resources?.ports);
    }

    const taskFw = nameKey + fw;
    const taskSlave = nameKey + fwSlave;
    for (let i = 0; i < n; i++) sink.addresses(taskFw, ips[i]!, members[i]!.task);
    for (let i = 0; i < n; i++) sink.addresses(taskSlave, members[i]!.agent.ips, members[i]!.task);
    for (let i = 0; i < n; i++) {
      sink.addresses(canonicalFw[i]!, ips[i]!, members[i]!.task);
      sink.addresses(canonicalSlave[i]!, members[i]!.agent.ips, members[i]!.task);
    }

    // Host ports: SRV under .slave always, and under the framework when there is no DiscoveryInfo. The four names
    // mostly share one list of values, built once.
    const hostSrv = (withDiscovery: boolean) => {
      const list = new SrvList();
      const owners: object[] = [];
      for (let i = 0; i < n; i++) {
        const task = members[i]!.task;
        if (!withDiscovery && asString(task.discovery?.name) !== '') continue;
        for (const port of hostPorts[i]!) if (list.add(canonicalSlave[i]!, port)) owners.push(task);
      }
      return { list: list.freeze(), owners };
    };
    const all = hostSrv(true);
    sink.srvList(service + TCP + fwSlave, all.list, all.owners);
    sink.srvList(service + UDP + fwSlave, all.list, all.owners);
    const plain = members.some((m) => asString(m.task.discovery?.name) !== '') ? hostSrv(false) : all;
    sink.srvList(service + TCP + fw, plain.list, plain.owners);
    sink.srvList(service + UDP + fw, plain.list, plain.owners);
    for (let i = 0; i < n; i++) {
      const task = members[i]!.task;
      if (asString(task.discovery?.name) !== '') this.discoverySrv(task, canonicalFw[i]!, service, fw);
    }
  }

  /** DiscoveryInfo ports: `_<name>._<proto>.<fw>` (both protocols when none is given) and `_<port name>._<name>…`. */
  private discoverySrv(task: MesosTask, target: string, service: string, fw: string): void {
    for (const p of asArray(task.discovery?.ports?.ports)) {
      const port = asObject<DiscoveryPort>(p);
      const number = port?.number;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) continue;
      const protocol = this.label(asString(port?.protocol));
      const portName = this.label(asString(port?.name));
      for (const proto of protocol === '' ? [TCP, UDP] : [fragmentKey(`_${protocol}`)]) {
        this.sink.srv(service + proto + fw, target, number, task);
        if (portName !== '') this.sink.srv(fragmentKey(`_${portName}`) + service + proto + fw, target, number, task);
      }
    }
  }

  private label(text: string): string {
    let label = this.labels.get(text);
    if (label === undefined) {
      label = sanitizeLabel(text, this.config.labelSpec);
      this.labels.set(text, label);
    }
    return label;
  }

  private ports(text: unknown): number[] {
    if (typeof text !== 'string') return [];
    let ports = this.portRanges.get(text);
    if (ports === undefined) {
      ports = parsePortRanges(text, MAX_PORTS_PER_TASK);
      this.portRanges.set(text, ports);
    }
    return ports;
  }

  /** IPs of every source in order, then the first IPv4 and the first IPv6 of them. */
  private taskIps(task: MesosTask, agentIps: readonly string[]): readonly string[] {
    const sources = this.config.ipSources;
    const status = sources.some((s) => s !== 'host') ? latestRunningStatus(task) : undefined;
    let v4: string | undefined;
    let v6: string | undefined;
    for (const source of sources) {
      for (const ip of source === 'host' ? agentIps : ipsFromSource(source, status, agentIps)) {
        // The IPs are valid already; `:` tells the families apart.
        if (ip.includes(':')) v6 ??= ip;
        else v4 ??= ip;
      }
    }
    // Most tasks publish exactly their agent's address: share the agent's array rather than make one per task.
    if (v6 === undefined && v4 !== undefined && agentIps.length === 1 && agentIps[0] === v4) return agentIps;
    return Object.freeze(v4 === undefined ? (v6 === undefined ? [] : [v6]) : v6 === undefined ? [v4] : [v4, v6]);
  }
}

/** `<task>-<hash>-<agent>`, shortening the task part so the label stays within 63 characters. */
function canonicalLabel(name: string, hash: string, agentTail: string): string {
  const suffix = `-${hash}-${agentTail}`;
  // A raw DiscoveryInfo name may have dots: only its last label is joined with the suffix.
  const lastLabel = name.length - name.lastIndexOf('.') - 1;
  const excess = lastLabel + suffix.length - 63;
  if (excess <= 0) return name + suffix;
  return name.slice(0, name.length - excess).replace(/[-.]+$/, '') + suffix;
}

/** Raw DiscoveryInfo names are published only if they encode: printable labels of 1–63 characters. */
function isUsableRawName(name: string): boolean {
  return /^[\x21-\x7e]+$/.test(name) && name.split('.').every((l) => l.length > 0 && l.length <= 63);
}
