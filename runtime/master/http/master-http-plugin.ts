/**
 * The master's HTTP surface with Mesos's paths and field names. The master is libprocess's root delegate in Mesos,
 * so every `/master/<x>` endpoint is also served as `/<x>`; tools written for Mesos use both spellings.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { BUILD_INFO } from '../../mesos/json/build-info.ts';
import { metricsSnapshotPlugin } from '../../http/metrics-snapshot-plugin.ts';
import { sendJsonText } from '../../http/jsonp.ts';
import { systemMetrics } from '../../http/system-metrics.ts';
import type { Master } from '../master.ts';
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
  const current = (reply: FastifyReply): Master | undefined => {
    const m = options.master();
    if (!m || !m.isRunning) {
      void reply.code(503).send({ message: 'The master is not running (no leading master)' });
      return undefined;
    }
    return m;
  };
  const text = (route: string, render: (m: Master, req: FastifyRequest) => string | Buffer, schema: object = { querystring: jsonpQuery }) => {
    for (const url of both(route))
      app.get(url, { schema }, async (req, reply) => {
        const m = current(reply);
        if (m) return sendJsonText(req, reply, render(m, req));
        return reply;
      });
  };

  // The two documents pollers read in a loop are rendered once per master change and served as the same bytes.
  const state = new VersionedRender((m) => masterState(m, options.flags));
  const summary = new VersionedRender(stateSummary);
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
  text('roles', (m) => JSON.stringify(rolesJson(m)));
  text('flags', () => JSON.stringify({ flags: options.flags }));

  for (const url of both('health'))
    app.get(url, async (_req, reply) => {
      if (current(reply)) return reply.code(200).send('');
      return reply;
    });
  for (const url of both('redirect'))
    app.get(url, async (_req, reply) => {
      const m = current(reply);
      if (m) return reply.code(307).header('location', `//${m.hostname}:${m.port}`).send('');
      return reply;
    });
  app.get('/version', async () => ({ ...BUILD_INFO }));

  await app.register(metricsSnapshotPlugin, {
    collect: (out: Record<string, number>) => {
      systemMetrics(out);
      const m = options.master();
      if (m?.isRunning) collectMasterMetrics(m, out);
    },
  });
};
