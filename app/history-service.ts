/**
 * `dcos-history.service` on the master: polls the leading master's `/master/state-summary` every 2 s and serves
 * dcos-history's API (and minidc's day and range queries) from `<nodeDir>/history/history.sqlite`, published as the
 * `history` endpoint (DC/OS's port 15055 with `--ports standard`).
 */
import { join } from 'node:path';
import { HistoryUnit } from '../collectors/history/history-unit.ts';
import type { NodeServiceDescriptor } from '../runtime/cluster/node-service.ts';
import { MASTER_UNIT } from '../runtime/master/master-service.ts';
import { createHttpServer, journalInternalErrors } from '../runtime/http/http-server.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import { systemTime } from '../runtime/time/system-time.ts';
import type { UnitBehavior } from '../runtime/units/unit.ts';

export const HISTORY_UNIT = 'dcos-history.service';

export const historyService: NodeServiceDescriptor = {
  unit: HISTORY_UNIT,
  description: 'DC/OS History: stores and serves the history of the cluster state',
  roles: ['master'],
  after: [MASTER_UNIT],
  endpoints: ['history'],
  create: ({ cluster, node, nodeDir, port, publish }) => {
    const history = new HistoryUnit({
      path: join(nodeDir, 'history', 'history.sqlite'),
      retentionMs: cluster.config.historyRetentionMs,
      summaryUrl: () => {
        const mesos = cluster.masterNode.endpoints.mesos;
        return mesos === undefined ? undefined : `${mesos}/master/state-summary`;
      },
      time: systemTime,
      host: node.ip,
      port: port('history'),
      createServer: (log) => createHttpServer({ onInternalError: journalInternalErrors(log) }),
      listen: listenHttp,
    });
    const behavior: UnitBehavior = {
      start: async (ctx) => {
        await history.start(ctx);
        publish('history', history.url!);
      },
      stop: () => history.stop(),
    };
    return behavior;
  },
};
