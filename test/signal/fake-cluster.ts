// A stand-in for the master's public APIs Signal reads (dcos-diagnostics' report, Mesos's frameworks and snapshot,
// Marathon's apps) and for a batch receiver, on loopback node:http servers, recording every request they get.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildClusterReport } from '../../diagnostics/cluster/cluster-report.ts';
import type { NodePull } from '../../diagnostics/cluster/cluster-node.ts';
import type { UnitHealthReport } from '../../diagnostics/health/node-health.ts';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeServer {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function serve(answer: (req: Recorded, res: ServerResponse) => void): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      answer(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets of the client under test would hold close() for seconds.
        server.closeAllConnections();
      }),
  };
}

const unit = (id: string, health: number, output = ''): UnitHealthReport => ({ id, health, output, description: 'a unit', help: '', name: id });

/**
 * Two nodes: on the agent dcos-spartan is unhealthy with output and dcos-minuteman unhealthy without any (so its
 * own health is what tells), which makes the whole agent unhealthy while its dcos-telegraf is fine (DCOS-20017).
 */
export function twoNodeReport(): unknown {
  const node = (ip: string, role: 'master' | 'agent', units: UnitHealthReport[]): NodePull => ({
    node: { ip, role, mesosId: `${ip}-id`, leader: role === 'master' },
    response: { hostname: ip, ip, dcos_version: 'x', node_role: role, mesos_id: `${ip}-id`, dcos_diagnostics_version: 'x', units },
    at: Date.UTC(2026, 11, 7),
  });
  return buildClusterReport(
    [
      node('10.0.0.1', 'master', [unit('dcos-mesos-master.service', 0), unit('dcos-spartan.service', 0), unit('dcos-telegraf.service', 0)]),
      node('10.0.0.2', 'agent', [
        unit('dcos-spartan.service', 1, 'ExecMainStatus return failed status for dcos-spartan.service'),
        unit('dcos-minuteman.service', 1),
        unit('dcos-telegraf.service', 0),
      ]),
    ],
    Date.UTC(2026, 11, 7),
  );
}

export const FRAMEWORKS = { frameworks: [{ name: 'marathon', id: 'fw-1' }, { name: 'spark', id: 'fw-2' }], completed_frameworks: [] };

export const SNAPSHOT = {
  'master/cpus_total': 8,
  'master/cpus_used': 1.5,
  'master/mem_total': 16384,
  'master/mem_used': 2048,
  'master/disk_total': 100000,
  'master/disk_used': 512,
  'master/tasks_running': 4,
  'master/frameworks_active': 2,
  'master/slaves_connected': 3,
  'master/slaves_active': 2,
  'master/elected': 1,
};

export const APPS = {
  apps: [
    { id: '/sample', version: '2026-12-07T10:00:00.000Z', labels: {} },
    { id: '/kafka', version: '2026-12-07T10:05:00.000Z', labels: { DCOS_PACKAGE_NAME: 'kafka', DCOS_PACKAGE_VERSION: '2.9.0-1.0' } },
  ],
};

/** Which source paths answer 500 instead. */
export type Failing = Set<'report' | 'frameworks' | 'snapshot' | 'apps'>;

export async function fakeMaster(failing: Failing = new Set()): Promise<FakeServer> {
  const json = (res: ServerResponse, body: unknown) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  return serve((req, res) => {
    const path = req.url.split('?')[0];
    const source = ({ '/system/health/v1/report': 'report', '/master/frameworks': 'frameworks', '/metrics/snapshot': 'snapshot', '/v2/apps': 'apps' } as const)[
      path as string
    ];
    if (source === undefined) {
      res.statusCode = 404;
      return res.end('{}');
    }
    if (failing.has(source)) {
      res.statusCode = 500;
      return res.end('{"message":"broken"}');
    }
    json(res, { report: twoNodeReport(), frameworks: FRAMEWORKS, snapshot: SNAPSHOT, apps: APPS }[source]);
  });
}
