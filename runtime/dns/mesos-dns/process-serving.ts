/**
 * Mesos-DNS answered by several processes sharing one UDP socket and one TCP server, so serving is not bounded by
 * one core (Node 20's dgram has no reusePort). This process binds both, hands the handles to each forked child
 * (serving-process.ts) and then closes its own copies, so the kernel spreads datagrams and connections over the
 * children and this event loop answers nothing. Each rebuild is encoded once (record-transfer.ts) and sent to every
 * child; install() resolves once all of them serve it.
 *
 * Counters cannot be shared memory across processes: each child reports its own with every install and on
 * request (refreshCounters()); `counters` holds their sum as of the last reports.
 *
 * A child that dies, or does not install a rebuild within 30 s, is reported through `onCrash` (Mesos-DNS then fails
 * its unit, which restarts). Children exit by themselves when this process goes away (their IPC channel closes).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { BoundAddress, DnsSockets } from '../wire/dns-server.ts';
import { bindDnsSockets } from '../wire/dns-server.ts';
import { SharedCounters } from '../wire/shared-counters.ts';
import type { DnsServing, DnsServingEvents } from './dns-serving.ts';
import type { ServingCounterKey, ServingSettings } from './mesos-dns-responder.ts';
import { SERVING_COUNTER_KEYS } from './mesos-dns-responder.ts';
import type { RecordSet } from './record-set.ts';
import { encodeRecords } from './record-transfer.ts';

export type ToServingProcess =
  | { type: 'udp'; family: 4 | 6 }
  | { type: 'tcp'; settings: ServingSettings }
  | { type: 'install'; seq: number; serial: number; records: Uint8Array }
  | { type: 'report'; seq: number }
  | { type: 'stop' };

interface ChildReport {
  counters: Record<ServingCounterKey, number>;
  loopActiveMs: number;
  /** CPU time (user + system) the child has used. */
  cpuMs: number;
}

export type FromServingProcess =
  | { type: 'listening' }
  | ({ type: 'installed'; seq: number } & ChildReport)
  | ({ type: 'report'; seq: number } & ChildReport)
  | { type: 'handlerError'; message: string };

const ENTRY = new URL('./serving-process.ts', import.meta.url);
/** Children load TypeScript the way this process does. */
const EXEC_ARGV = ['--import', import.meta.resolve('tsx')];
const START_TIMEOUT_MS = 30_000;
const INSTALL_TIMEOUT_MS = 30_000;
const REPORT_TIMEOUT_MS = 5000;
const STOP_WAIT_MS = 5000;

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  report: ChildReport | undefined;
  /** Replies awaited from it, by seq. */
  readonly waiting: Map<number, () => void>;
}

export class ProcessServing implements DnsServing {
  readonly counters = new SharedCounters(SERVING_COUNTER_KEYS);
  private children: Child[] = [];
  private seq = 0;
  private stopping = false;
  private crashed = false;

  constructor(
    private readonly settings: ServingSettings,
    private readonly processes: number,
    private readonly events: DnsServingEvents,
  ) {
    if (!Number.isInteger(processes) || processes < 1) throw new Error(`servingProcesses must be a whole number ≥ 1, not ${processes}`);
  }

  /** The serving processes' ids (tests kill them to stand in for a crash). */
  get pids(): number[] {
    return this.children.map((c) => c.process.pid!);
  }

  loopActiveMs(): number {
    return this.children.reduce((sum, c) => sum + (c.report?.loopActiveMs ?? 0), 0);
  }

  /** CPU milliseconds the serving processes have used, as last reported. */
  cpuMs(): number {
    return this.children.reduce((sum, c) => sum + (c.report?.cpuMs ?? 0), 0);
  }

  async start(): Promise<BoundAddress> {
    this.stopping = false;
    this.crashed = false;
    const sockets = await bindDnsSockets(this.settings.host, this.settings.port);
    const bound = { host: this.settings.host, port: sockets.udp.address().port };
    const starting = Array.from({ length: this.processes }, () => this.spawn(sockets));
    try {
      await Promise.all(starting.map((s) => s.listening));
    } catch (e) {
      this.stopping = true;
      for (const s of starting) s.child.process.kill('SIGKILL');
      await Promise.all(starting.map((s) => s.child.exited));
      this.children = [];
      throw e;
    } finally {
      // The children hold their own descriptors now; this process must not read (and so drop) datagrams.
      sockets.udp.close();
      sockets.tcp.close();
    }
    return bound;
  }

  private spawn(sockets: DnsSockets): { child: Child; listening: Promise<void> } {
    const proc = fork(ENTRY, [], { execArgv: EXEC_ARGV, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const child: Child = { process: proc, exited, report: undefined, waiting: new Map() };
    this.children.push(child);
    const listening = new Promise<void>((resolve, reject) => {
      let up = false;
      const timer = setTimeout(() => reject(new Error(`DNS serving process did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      timer.unref();
      proc.on('message', (m: FromServingProcess) => {
        if (m.type === 'listening') {
          up = true;
          clearTimeout(timer);
          resolve();
        } else if (m.type === 'handlerError') {
          this.events.onHandlerError(m.message);
        } else {
          child.report = { counters: m.counters, loopActiveMs: m.loopActiveMs, cpuMs: m.cpuMs };
          this.sumCounters();
          child.waiting.get(m.seq)?.();
          child.waiting.delete(m.seq);
        }
      });
      proc.on('error', () => undefined);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        const reason = `serving process ${proc.pid} exited with ${signal ?? `code ${code}`}`;
        this.children = this.children.filter((c) => c !== child);
        for (const w of child.waiting.values()) w();
        child.waiting.clear();
        if (!up) reject(new Error(`DNS serving process failed to start: ${reason}`));
        else if (!this.stopping && !this.crashed) {
          this.crashed = true;
          this.events.onCrash(reason);
        }
      });
      proc.send({ type: 'udp', family: sockets.udp.address().family === 'IPv6' ? 6 : 4 } satisfies ToServingProcess, sockets.udp);
      proc.send({ type: 'tcp', settings: this.childSettings() } satisfies ToServingProcess, sockets.tcp);
    });
    return { child, listening };
  }

  /** A configured TCP connection table is split over the processes, so together they hold no more than it says. */
  private childSettings(): ServingSettings {
    const max = this.settings.tcp?.maxConnections;
    if (max === undefined) return this.settings;
    return { ...this.settings, tcp: { ...this.settings.tcp, maxConnections: Math.max(1, Math.ceil(max / this.processes)) } };
  }

  /** Sends `message` (built per seq) to every child; resolves when all have answered, rejects if one is gone or late. */
  private roundTrip(make: (seq: number) => ToServingProcess, timeoutMs: number, what: string): Promise<void> {
    const children = this.children;
    if (children.length === 0 || this.crashed) return Promise.reject(new Error('DNS serving processes are not running'));
    const seq = ++this.seq;
    const message = make(seq);
    return Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => {
              child.waiting.delete(seq);
              reject(new Error(`serving process ${child.process.pid} did not ${what} within ${timeoutMs / 1000} s`));
            }, timeoutMs);
            timer.unref();
            child.waiting.set(seq, () => {
              clearTimeout(timer);
              if (child.process.exitCode !== null || child.process.signalCode !== null) reject(new Error(`serving process ${child.process.pid} is gone`));
              else resolve();
            });
            child.process.send(message);
          }),
      ),
    ).then(() => undefined);
  }

  async install(records: RecordSet, serial: number): Promise<number> {
    if (this.children.length === 0 || this.crashed) throw new Error('DNS serving processes are not running');
    const started = performance.now();
    const data = new Uint8Array(encodeRecords(records));
    const callerMs = performance.now() - started;
    try {
      await this.roundTrip((seq) => ({ type: 'install', seq, serial, records: data }), INSTALL_TIMEOUT_MS, 'install published records');
    } catch (e) {
      // Serving is broken (a child hung or died): end them all; an exit reports the crash, and the unit restarts.
      if (!this.stopping) for (const c of this.children) c.process.kill('SIGKILL');
      throw e;
    }
    return callerMs;
  }

  /** Asks every child for its counters, so `counters` is current. */
  refreshCounters(): Promise<void> {
    if (this.children.length === 0) return Promise.resolve();
    return this.roundTrip((seq) => ({ type: 'report', seq }), REPORT_TIMEOUT_MS, 'report its counters');
  }

  private sumCounters(): void {
    for (const k of SERVING_COUNTER_KEYS) {
      this.counters.set(k, this.children.reduce((sum, c) => sum + (c.report?.counters[k] ?? 0), 0));
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const children = this.children;
    for (const c of children) if (c.process.connected) c.process.send({ type: 'stop' } satisfies ToServingProcess);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_WAIT_MS)));
    if ((await Promise.race([Promise.all(children.map((c) => c.exited)), late])) === 'late') {
      for (const c of children) c.process.kill('SIGKILL');
    }
    clearTimeout(timer);
    await Promise.all(children.map((c) => c.exited));
    this.children = [];
  }
}
