/**
 * A master with agents and one Marathon-like framework simulated at the protocol level, for the state benchmarks:
 * agents answer pings and report TASK_STARTING/TASK_RUNNING at once, and TASK_KILLED when asked, so the master
 * holds exactly what it would for a real cluster of that size without running processes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resources } from '../../runtime/mesos/resources.ts';
import { Master } from '../../runtime/master/master.ts';
import { Registrar } from '../../runtime/master/registrar.ts';
import type { AgentEndpoint, AgentSession } from '../../runtime/mesos/agent-api.ts';
import type { OfferView, SchedulerConnection, TaskLaunch } from '../../runtime/mesos/scheduler-api.ts';
import type { TaskStatus } from '../../runtime/mesos/task-status.ts';

export interface SimulatedMaster {
  master: Master;
  framework: SchedulerConnection;
  /** Ids of tasks launched and not yet killed. */
  running: Set<string>;
  registerMs: number;
  launchMs: number;
  close(): Promise<void>;
}

export interface SimulatedMasterOptions {
  agents: number;
  tasksPerAgent: number;
  allocationIntervalMs?: number;
  /**
   * Registers agents of the caller's own (e.g. a real Agent with its HTTP surface) before the simulated ones;
   * returns how many. They count in `agents` and get their share of the tasks like any other.
   */
  extraAgents?: (master: Master) => Promise<number>;
}

function status(state: TaskStatus['state'], ip: string, taskId: string): TaskStatus {
  return {
    taskId,
    state,
    timestamp: Date.now() / 1000,
    source: 'SOURCE_EXECUTOR',
    containerStatus: {
      container_id: { value: `c-${taskId}` },
      network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: ip }] }],
    },
  };
}

/**
 * Starts the master, registers the agents and launches `agents × tasksPerAgent` tasks (1,000 app names, each with
 * labels, a discovery port and two statuses, as Marathon's tasks have). The framework keeps that many running:
 * a task killed later is replaced from the next offer, as Marathon would.
 */
export async function startSimulatedMaster(options: SimulatedMasterOptions): Promise<SimulatedMaster> {
  const dir = await mkdtemp(join(tmpdir(), 'minidc-bench-master-'));
  const master = new Master({
    hostname: '127.0.1.1',
    ip: '127.0.1.1',
    port: 5050,
    registrar: new Registrar(join(dir, 'registry.json')),
    clusterName: 'bench',
    allocationIntervalMs: options.allocationIntervalMs ?? 60_000,
    agentPingTimeoutMs: 3_600_000,
    log: () => {},
  });
  await master.start();

  const t0 = performance.now();
  const extra = (await options.extraAgents?.(master)) ?? 0;
  const sessions = new Map<string, AgentSession>();
  const registrations: Promise<void>[] = [];
  for (let i = extra; i < options.agents; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    let id = '';
    const endpoint: AgentEndpoint = {
      ping: () => true,
      runTask: (fw, _role, task) => {
        const s = sessions.get(id)!;
        s.statusUpdate(fw.id, status('TASK_STARTING', ip, task.taskId));
        s.statusUpdate(fw.id, status('TASK_RUNNING', ip, task.taskId));
      },
      killTask: (fwId, taskId) => sessions.get(id)!.statusUpdate(fwId, status('TASK_KILLED', ip, taskId)),
      frameworkMessage: () => {},
      shutdownFramework: () => {},
      shutdown: () => {},
    };
    registrations.push(
      master
        .registerAgent(
          {
            hostname: ip,
            ip,
            port: 5051,
            resources: Resources.parse('cpus:16;mem:65536;disk:100000;ports:[31000-32000]'),
            attributes: { rack: `r${i % 40}` },
            version: '1.11.0',
          },
          endpoint,
        )
        .then((s) => {
          id = s.agentId;
          sessions.set(id, s);
        }),
    );
  }
  await Promise.all(registrations);
  const t1 = performance.now();

  const want = options.agents * options.tasksPerAgent;
  const running = new Set<string>();
  const usedPorts = new Map<string, Set<number>>();
  let next = 0;
  const box: { conn?: SchedulerConnection } = {};
  const onOffers = (offers: OfferView[]) => {
    for (const o of offers) {
      const launches: TaskLaunch[] = [];
      let ports = usedPorts.get(o.agentId);
      if (!ports) usedPorts.set(o.agentId, (ports = new Set()));
      for (let port = 31000; running.size < want && launches.length < options.tasksPerAgent && port <= 32000; port++) {
        if (ports.has(port)) continue;
        const n = next++;
        const taskId = `app-${n % 1000}.${n}`;
        ports.add(port);
        running.add(taskId);
        portOf.set(taskId, [o.agentId, port]);
        launches.push({
          taskId,
          name: `app-${n % 1000}`,
          resources: Resources.parse(`cpus:0.1;mem:32;ports:[${port}-${port}]`),
          command: { value: 'sleep 3600' },
          labels: [{ key: 'bench', value: 'state' }],
          discovery: {
            visibility: 'FRAMEWORK',
            name: `app-${n % 1000}`,
            ports: { ports: [{ number: port, name: 'http', protocol: 'tcp' }] },
          },
        });
      }
      if (launches.length === 0) box.conn!.decline([o.id], { refuseSeconds: 5 });
      else box.conn!.accept([o.id], launches, { refuseSeconds: 0 });
    }
  };
  const portOf = new Map<string, [string, number]>();
  box.conn = await master.subscribe(
    { name: 'marathon', user: 'root', roles: ['*'], capabilities: ['PARTITION_AWARE'], failoverTimeoutSecs: 604800 },
    {
      subscribed: () => {},
      offers: onOffers,
      rescind: () => {},
      update: (u) => {
        if (u.state !== 'TASK_KILLED') return;
        running.delete(u.taskId);
        const p = portOf.get(u.taskId);
        portOf.delete(u.taskId);
        if (p) usedPorts.get(p[0])?.delete(p[1]);
      },
      error: () => {},
    },
  );
  while (master.counters.activeTasks('TASK_RUNNING') < want) await new Promise((r) => setTimeout(r, 50));
  const t2 = performance.now();
  return {
    master,
    framework: box.conn,
    running,
    registerMs: t1 - t0,
    launchMs: t2 - t1,
    close: async () => {
      await master.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
