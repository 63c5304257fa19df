/**
 * The master's HTTP surface with Mesos's paths and field names. The master is libprocess's root delegate in Mesos,
 * so every `/master/<x>` endpoint is also served as `/<x>`; tools written for Mesos use both spellings.
 *
 * As in Mesos, the master's own endpoints are served on the master's turn, queued with its other events (counted as
 * `master/event_queue_http_requests`); `/metrics/snapshot` and `/version` belong to other libprocess processes
 * there and are answered at once here.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { BUILD_INFO } from '../../mesos/json/build-info.ts';
import { metricsSnapshotPlugin } from '../../http/metrics-snapshot-plugin.ts';
import { sendJsonText } from '../../http/jsonp.ts';
import { systemMetrics } from '../../http/system-metrics.ts';
import { type Master, MasterError } from '../master.ts';
import { collectMasterMetrics } from '../master-metrics.ts';
import { VersionedRender } from './versioned-render.ts';
import {
  type Flags,
  frameworksJson,
  masterState,
  rolesJson,
  slavesJson,
  stateSummary,
  tasksJson,
} from '../master-state-json.ts';

export interface MasterHttpOptions {
  /** The master currently elected (undefined while it is down, e.g. its unit restarting). */
  master: () => Master | undefined;
  flags: Flags;
}

const jsonpQuery = { type: 'object', properties: { jsonp: { type: 'string', pattern: '^[A-Za-z_$][A-Za-z0-9_$.]*$' } } } as const;

const tasksQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100000, default: 100 },
    offset: { type: 'integer', minimum: 0, default: 0 },
    order: { type: 'string', enum: ['asc', 'des'], default: 'des' },
    framework_id: { type: 'string' },
    task_id: { type: 'string' },
    jsonp: jsonpQuery.properties.jsonp,
  },
} as const;

interface TasksQueryString {
  limit: number;
  offset: number;
  order: 'asc' | 'des';
  framework_id?: string;
  task_id?: string;
}

/** Registers a handler under `/master/<path>` and `/<path>`. */
function both(path: string): string[] {
  return [`/master/${path}`, `/${path}`];
}

export const masterHttpPlugin: FastifyPluginAsync<MasterHttpOptions> = async (app, options) => {
  const notRunning = (reply: FastifyReply) => reply.code(503).send({ message: 'The master is not running (no leading master)' });
  /** Answers with `respond` on the master's turn; 503 while no master runs, or when it stops before that turn. */
  const onMasterTurn = async (reply: FastifyReply, respond: (m: Master) => void): Promise<FastifyReply> => {
    const m = options.master();
    if (!m || !m.isRunning) return notRunning(reply);
    try {
      await m.serveHttp(() => respond(m));
    } catch (err) {
      if (!(err instanceof MasterError)) throw err;
      return notRunning(reply);
    }
    return reply;
  };
  const text = (route: string, render: (m: Master, req: FastifyRequest) => string | Buffer, schema: object = { querystring: jsonpQuery }) => {
    for (const url of both(route))
      app.get(url, { schema }, (req, reply) => onMasterTurn(reply, (m) => void sendJsonText(req, reply, render(m, req))));
  };

  // The two documents pollers read in a loop are rendered once per master change and served as the same bytes.
  const state = new VersionedRender((m) => masterState(m, options.flags));
  const summary = new VersionedRender(stateSummary);
  // Roles show frameworks, agents' reservations and allocations (all bump Master.version); weights and quotas
  // come from the registry at start-up, with no endpoint to change them yet (one that does must bump the version).
  const roles = new VersionedRender((m) => Buffer.from(JSON.stringify(rolesJson(m))));
  text('state', (m) => state.get(m));
  text('state-summary', (m) => summary.get(m));
  text('slaves', (m, req) => JSON.stringify(slavesJson(m, (req.query as { slave_id?: string }).slave_id)), {
    querystring: { type: 'object', properties: { slave_id: { type: 'string' }, jsonp: jsonpQuery.properties.jsonp } },
  });
  text('frameworks', (m, req) => frameworksJson(m, (req.query as { framework_id?: string }).framework_id), {
    querystring: { type: 'object', properties: { framework_id: { type: 'string' }, jsonp: jsonpQuery.properties.jsonp } },
  });
  text(
    'tasks',
    (m, req) => {
      const q = req.query as TasksQueryString;
      return tasksJson(m, {
        limit: q.limit,
        offset: q.offset,
        order: q.order,
        ...(q.framework_id === undefined ? {} : { frameworkId: q.framework_id }),
        ...(q.task_id === undefined ? {} : { taskId: q.task_id }),
      });
    },
    { querystring: tasksQuery },
  );
  text('roles', (m) => roles.get(m));
  text('flags', () => JSON.stringify({ flags: options.flags }));

  for (const url of both('health')) app.get(url, (_req, reply) => onMasterTurn(reply, () => void reply.code(200).send('')));
  for (const url of both('redirect'))
    app.get(url, (_req, reply) =>
      onMasterTurn(reply, (m) => void reply.code(307).header('location', `//${m.hostname}:${m.port}`).send('')),
    );
  app.get('/version', async () => ({ ...BUILD_INFO }));

  await app.register(metricsSnapshotPlugin, {
    collect: (out: Record<string, number>) => {
      systemMetrics(out);
      const m = options.master();
      if (m?.isRunning) collectMasterMetrics(m, out);
    },
  });
};
