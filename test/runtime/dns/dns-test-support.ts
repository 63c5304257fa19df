/** Clients and fixtures for the DNS tests: Mesos state builders, dig, node's resolver, a fake upstream. */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { MesosDns } from '../../../runtime/dns/mesos-dns/mesos-dns.ts';
import type { MesosDnsOptions } from '../../../runtime/dns/mesos-dns/mesos-dns.ts';
import type { MesosStateSource } from '../../../runtime/dns/mesos-dns/state-source.ts';

export interface TaskSpec {
  id: string;
  name: string;
  agent: string;
  state?: string;
  ports?: string;
  discovery?: unknown;
  statuses?: unknown[];
}

export interface StateSpec {
  leader?: string;
  agents: { id: string; ip: string }[];
  frameworks: { id: string; name: string; pid?: string; tasks: TaskSpec[] }[];
}

/** A `/master/state` document in Mesos's field names. */
export function mesosState(spec: StateSpec): Record<string, unknown> {
  return {
    leader: spec.leader ?? 'master@127.0.1.1:5050',
    hostname: '127.0.1.1',
    slaves: spec.agents.map((a) => ({ id: a.id, hostname: a.ip, pid: `slave(1)@${a.ip}:5051`, attributes: {} })),
    frameworks: spec.frameworks.map((f) => ({
      id: f.id,
      name: f.name,
      pid: f.pid ?? `scheduler-${f.id}@127.0.1.1:39881`,
      hostname: '127.0.1.1',
      tasks: f.tasks.map((t) => ({
        id: t.id,
        name: t.name,
        framework_id: f.id,
        slave_id: t.agent,
        state: t.state ?? 'TASK_RUNNING',
        resources: { cpus: 0.1, mem: 32, ports: t.ports ?? '[31000-31000]' },
        ...(t.discovery === undefined ? {} : { discovery: t.discovery }),
        statuses: t.statuses ?? [{ state: 'TASK_RUNNING', timestamp: 1 }],
      })),
    })),
  };
}

/** A source whose state the test can change, or make fail. */
export class MutableStateSource implements MesosStateSource {
  fetches = 0;
  failure: Error | undefined;

  constructor(public state: unknown) {}

  fetchState(): Promise<unknown> {
    this.fetches++;
    return this.failure ? Promise.reject(this.failure) : Promise.resolve(this.state);
  }
}

export interface RunningMesosDns {
  dns: MesosDns;
  port: number;
  http: string;
}

/** Mesos-DNS on 127.0.0.1 with ephemeral ports and no periodic refresh in the way (tests call notifyChange). */
export async function startMesosDns(
  source: MesosStateSource,
  extra: Partial<MesosDnsOptions> = {},
): Promise<RunningMesosDns> {
  const dns = new MesosDns({
    source,
    listen: { host: '127.0.0.1', dnsPort: 0, httpPort: 0 },
    refreshSeconds: 3600,
    externalOn: false,
    ...extra,
  });
  const bound = await dns.start();
  return { dns, port: bound.dns!.port, http: bound.http! };
}

export function resolverFor(port: number): Resolver {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return resolver;
}

export interface DigResult {
  status: string;
  flags: string[];
  answers: string[][];
  authority: string[][];
  additional: string[][];
  raw: string;
}

/** Runs `dig @127.0.0.1 -p PORT …` and parses its sections (records as whitespace-split fields). */
export function dig(port: number, ...args: string[]): Promise<DigResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('dig', [`@127.0.0.1`, '-p', String(port), '+time=2', '+tries=1', ...args]);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const section = (title: string) => {
        const m = new RegExp(`;; ${title} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(out);
        return (m?.[1] ?? '')
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith(';'))
          .map((l) => l.split(/\s+/));
      };
      resolve({
        status: /status: (\w+)/.exec(out)?.[1] ?? 'NONE',
        flags: (/;; flags: ([a-z ]+);/.exec(out)?.[1] ?? '').trim().split(' '),
        answers: section('ANSWER'),
        authority: section('AUTHORITY'),
        additional: section('ADDITIONAL'),
        raw: out,
      });
    });
  });
}

/** Sends raw bytes over UDP; resolves with the reply or undefined after `waitMs`. */
export function udpExchange(port: number, message: Buffer, waitMs = 500): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, waitMs);
    socket.on('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.send(message, port, '127.0.0.1');
  });
}

/** Writes raw bytes on a TCP connection; resolves with every byte received until the server closes or `waitMs`. */
export function tcpExchange(port: number, bytes: Buffer, waitMs = 500): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', done);
    socket.on('error', done);
    socket.write(bytes);
  });
}

export function query(name: string, type: dnsPacket.RecordType = 'A', id = 4242): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type }] });
}

export type UpstreamAnswer = (question: dnsPacket.Question) => { answers: dnsPacket.Answer[]; rcode?: number; delayMs?: number };

export interface FakeUpstream {
  port: number;
  questions: string[];
  close(): Promise<void>;
}

/** A tiny upstream resolver over UDP and TCP on one port, built on dns-packet. */
export async function fakeUpstream(answer: UpstreamAnswer): Promise<FakeUpstream> {
  const questions: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const reply = (msg: Buffer, send: (b: Buffer) => void) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions![0]!;
    questions.push(`${question.name} ${question.type}`);
    const { answers, rcode = 0, delayMs = 0 } = answer(question);
    const out = dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: q.questions,
      answers,
    });
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(out);
    }, delayMs);
    timers.add(timer);
  };
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  const port = udp.address().port;
  udp.on('message', (msg, rinfo) => reply(msg, (b) => udp.send(b, rinfo.port, rinfo.address)));
  const tcp = net.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('error', () => socket.destroy());
    socket.on('data', (c: Buffer) => {
      buffered = Buffer.concat([buffered, c]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const msg = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + msg.length);
        reply(Buffer.from(msg), (b) => {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(b.length);
          if (!socket.destroyed) socket.write(Buffer.concat([len, b]));
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, '127.0.0.1', resolve);
  });
  return {
    port,
    questions,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      tcp.close();
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    },
  };
}

/** An address on 127.0.0.1 where nothing answers DNS (a bound, silent UDP socket). */
export async function silentUpstream(): Promise<{ port: number; close(): Promise<void> }> {
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  return { port: udp.address().port, close: () => new Promise<void>((resolve) => udp.close(() => resolve())) };
}

/** Polls `check` until it returns true or `deadlineMs` passes; returns how long it took, or undefined. */
export async function within(deadlineMs: number, check: () => Promise<boolean>): Promise<number | undefined> {
  const started = performance.now();
  while (performance.now() - started < deadlineMs) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}
