/**
 * Marathon's REST API (the subset minidc serves) as a fastify plugin over a MarathonScheduler. Handlers are thin:
 * they map query parameters to scheduler calls and results to Marathon's status codes and bodies. App ids contain
 * slashes, so `/v2/apps/*` routes split the remainder themselves (`tasks` and `restart` are reserved last segments,
 * which is what makes `/v2/apps/group/web/tasks` unambiguous).
 */
import {
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { createHttpServer, type HttpServerOptions } from '../http/http-server.ts';
import { appJson, infoJson, queueEntryJson, taskJson } from './api-json.ts';
import { normalizeAppId } from './app-id.ts';
import type { AppRecord } from './app-record.ts';
import { deploymentJson } from './deployments.ts';
import type { ChangeResult, KillResult } from './app-registry.ts';
import { registerEventStream } from './event-stream.ts';
import { findGroup, groupTree } from './groups.ts';
import type { MarathonTask } from './task-tracker.ts';
import { MARATHON_VERSION, type MarathonScheduler } from './marathon-scheduler.ts';

export interface MarathonRoutesOptions {
  scheduler: MarathonScheduler;
  /** Largest request body accepted (bytes); Marathon apps are small, 1 MiB is generous. */
  bodyLimit?: number;
  /** Told about every 500 (this plugin answers errors itself, so the server's own hook never sees them). */
  onInternalError?: HttpServerOptions['onInternalError'];
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const booleanFlag = { type: 'boolean', default: false } as const;
const embedSchema = { type: 'array', items: { type: 'string' } } as const;

const appsQuery = {
  type: 'object',
  properties: { embed: embedSchema, id: { type: 'string' }, cmd: { type: 'string' } },
} as const;
const forceQuery = { type: 'object', properties: { force: booleanFlag } } as const;
const putQuery = {
  type: 'object',
  properties: { force: booleanFlag, partialUpdate: { type: 'boolean', default: true } },
} as const;
const deleteQuery = {
  type: 'object',
  properties: { force: booleanFlag, scale: booleanFlag, wipe: booleanFlag },
} as const;
const tasksQuery = { type: 'object', properties: { status: { type: 'string' } } } as const;
const killTasksQuery = {
  type: 'object',
  properties: { force: booleanFlag, scale: booleanFlag, wipe: booleanFlag, host: { type: 'string' } },
} as const;
const deploymentResult = {
  type: 'object',
  properties: { version: { type: 'string' }, deploymentId: { type: 'string' } },
  required: ['version', 'deploymentId'],
} as const;

interface AppsQuery {
  embed?: string[];
  id?: string;
  cmd?: string;
}

export const marathonRoutes: FastifyPluginAsync<MarathonRoutesOptions> = async (app, options) => {
  const scheduler = options.scheduler;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode ?? 500;
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
      return reply.code(400).send(invalidJson(err.message));
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ message: 'Request body is too large' });
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send({ message: 'Unsupported Media Type' });
    if (err.validation) return reply.code(400).send({ message: err.message });
    if (status < 500) return reply.code(status).send({ message: err.message });
    options.onInternalError?.(err, request);
    return reply.code(500).send({ message: 'An unexpected server error occurred' });
  });

  registerEventStream(app, scheduler.eventBus, () => scheduler.currentTime());

  app.get('/ping', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('pong'));

  app.get('/v2/info', async () => infoJson(scheduler, MARATHON_VERSION, scheduler.httpPort));

  app.get(
    '/v2/leader',
    {
      schema: {
        response: {
          200: { type: 'object', properties: { leader: { type: 'string' } } },
          404: { type: 'object', properties: { message: { type: 'string' } } },
        },
      },
    },
    async (_request, reply) => {
      if (!scheduler.isRunning) return reply.code(404).send({ message: 'There is no leader' });
      return { leader: scheduler.leader };
    },
  );

  app.get<{ Querystring: AppsQuery }>('/v2/apps', { schema: { querystring: appsQuery } }, async (request) => {
    const embed = embedFlags(request.query.embed);
    const idFilter = request.query.id?.toLowerCase();
    const cmdFilter = request.query.cmd?.toLowerCase();
    const apps = scheduler.apps
      .visible()
      .filter((a) => idFilter === undefined || a.spec.id.toLowerCase().includes(idFilter))
      .filter((a) => cmdFilter === undefined || (a.spec.cmd ?? '').toLowerCase().includes(cmdFilter))
      .map((a) => appJson(scheduler, a, embed));
    return { apps };
  });

  app.post<{ Querystring: { force: boolean } }>(
    '/v2/apps',
    { bodyLimit, schema: { querystring: forceQuery } },
    async (request, reply) => {
      const body = readBody(request.body);
      if (!body.ok) return reply.code(400).send(invalidJson(body.message));
      const result = await scheduler.apps.create(body.json);
      if (result.kind !== 'ok') return sendFailure(reply, result);
      reply.header('Location', appLocation(request, result.app.spec.id));
      reply.header('Marathon-Deployment-Id', result.deployment.id);
      const created = appJson(scheduler, result.app, { tasks: true, lastTaskFailure: false, asCreated: true });
      publishApiPost(scheduler, request, result.app);
      return reply.code(201).send({ ...created, deployments: [{ id: result.deployment.id }] });
    },
  );

  app.get<{ Params: { '*': string }; Querystring: AppsQuery }>(
    '/v2/apps/*',
    { schema: { querystring: appsQuery } },
    async (request, reply) => {
      const path = request.params['*'];
      if (path === '') {
        const embed = embedFlags(request.query.embed);
        return { apps: scheduler.apps.visible().map((a) => appJson(scheduler, a, embed)) };
      }
      const tasksOf = /^(.*)\/tasks\/?$/.exec(path);
      const id = appIdOf(tasksOf ? tasksOf[1]! : path);
      const rec = id === undefined ? undefined : scheduler.apps.get(id);
      if (id === undefined || !rec) return reply.code(404).send({ message: `App '${id ?? '/' + path}' does not exist` });
      if (tasksOf) return { tasks: scheduler.tasksOf(id).map((t) => taskJson(scheduler, t)) };
      // A single app embeds its tasks and last failure by default, as Marathon does for compatibility.
      return { app: appJson(scheduler, rec, { tasks: true, lastTaskFailure: true }) };
    },
  );

  app.put<{ Params: { '*': string }; Querystring: { force: boolean; partialUpdate: boolean } }>(
    '/v2/apps/*',
    { bodyLimit, schema: { querystring: putQuery, response: { 200: deploymentResult, 201: deploymentResult } } },
    async (request, reply) => {
      const id = appIdOf(request.params['*']);
      const body = readBody(request.body);
      if (!body.ok) return reply.code(400).send(invalidJson(body.message));
      if (id === undefined) return reply.code(422).send(invalidId(request.params['*']));
      const result = await scheduler.apps.update(id, body.json, {
        partial: request.query.partialUpdate,
        force: request.query.force,
      });
      if (result.kind !== 'ok') return sendFailure(reply, result);
      publishApiPost(scheduler, request, result.app);
      if (result.created) reply.code(201).header('Location', appLocation(request, id));
      return sendDeployment(reply, result);
    },
  );

  app.post<{ Params: { '*': string }; Querystring: { force: boolean } }>(
    '/v2/apps/*',
    { schema: { querystring: forceQuery, response: { 200: deploymentResult } } },
    async (request, reply) => {
      const restart = /^(.*)\/restart\/?$/.exec(request.params['*']);
      const id = restart ? appIdOf(restart[1]!) : undefined;
      if (!restart) return reply.code(404).send({ message: 'Not found' });
      if (id === undefined) return reply.code(404).send({ message: `App '/${restart[1]!}' does not exist` });
      const result = await scheduler.apps.restart(id, request.query.force);
      if (result.kind !== 'ok') return sendFailure(reply, result);
      return sendDeployment(reply, result);
    },
  );

  app.delete<{ Params: { '*': string }; Querystring: { force: boolean; scale: boolean; wipe: boolean; host?: string } }>(
    '/v2/apps/*',
    { schema: { querystring: killTasksQuery } },
    async (request, reply) => {
      const path = request.params['*'];
      const allTasks = /^(.*)\/tasks\/?$/.exec(path);
      if (allTasks) {
        const appId = appIdOf(allTasks[1]!);
        if (appId === undefined || !scheduler.apps.get(appId))
          return reply.code(404).send({ message: `App '${appId ?? '/' + allTasks[1]!}' does not exist` });
        const host = request.query.host;
        const tasks = scheduler.tasksOf(appId).filter((t) => !t.killRequested && (host === undefined || t.host === host));
        return sendKills(scheduler, reply, await scheduler.apps.killTasks(appId, tasks, request.query));
      }
      const taskPath = /^(.*)\/tasks\/([^/]+)\/?$/.exec(path);
      if (taskPath) {
        const appId = appIdOf(taskPath[1]!);
        if (appId === undefined) return reply.code(404).send({ message: `App '/${taskPath[1]!}' does not exist` });
        const result = await scheduler.apps.killTask(appId, taskPath[2]!, {
          scale: request.query.scale,
          force: request.query.force,
        });
        return sendKill(scheduler, reply, result);
      }
      const id = appIdOf(path);
      if (id === undefined) return reply.code(404).send({ message: `App '/${path}' does not exist` });
      const result = await scheduler.apps.delete(id, request.query.force);
      if (result.kind !== 'ok') return sendFailure(reply, result);
      return sendDeployment(reply, result);
    },
  );

  app.get<{ Querystring: { status?: string } }>('/v2/tasks', { schema: { querystring: tasksQuery } }, async (request) => {
    const wanted = request.query.status?.toLowerCase();
    const tasks = scheduler.apps
      .visible()
      .flatMap((a) => scheduler.tasksOf(a.spec.id))
      .map((t) => taskJson(scheduler, t))
      .filter((t) => wanted === undefined || String(t.state).replace(/^TASK_/, '').toLowerCase() === wanted);
    return { tasks };
  });

  app.post<{ Querystring: { force: boolean; scale: boolean; wipe: boolean } }>(
    '/v2/tasks/delete',
    { bodyLimit, schema: { querystring: deleteQuery } },
    async (request, reply) => {
      const body = readBody(request.body);
      if (!body.ok) return reply.code(400).send(invalidJson(body.message));
      const ids = (body.json as { ids?: unknown } | null)?.ids;
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
        return reply.code(400).send({ message: "Expected a body {\"ids\": [task ids]}" });
      const byApp = new Map<string, MarathonTask[]>();
      for (const id of ids) {
        const task = scheduler.tasks.get(id);
        if (task && !task.killRequested) byApp.set(task.appId, [...(byApp.get(task.appId) ?? []), task]);
      }
      let last: Parameters<typeof sendKills>[2] = { kind: 'killed', tasks: [] };
      const killed: MarathonTask[] = [];
      for (const [appId, tasks] of byApp) {
        last = await scheduler.apps.killTasks(appId, tasks, request.query);
        if (last.kind === 'killed') killed.push(...last.tasks);
        else if (last.kind !== 'ok') return sendKills(scheduler, reply, last);
      }
      return sendKills(scheduler, reply, last.kind === 'killed' ? { kind: 'killed', tasks: killed } : last);
    },
  );

  app.get('/v2/deployments', async () => scheduler.apps.deployments().map(deploymentJson));

  app.delete<{ Params: { id: string }; Querystring: { force: boolean } }>(
    '/v2/deployments/:id',
    { schema: { querystring: forceQuery } },
    async (request, reply) => {
      const result = await scheduler.apps.cancelDeployment(request.params.id, request.query.force);
      if (result.kind === 'canceled') return reply.code(202).send();
      if (result.kind !== 'ok') return sendFailure(reply, result);
      return sendDeployment(reply, result);
    },
  );

  app.get('/v2/groups', async () => groups(scheduler));

  app.get<{ Params: { '*': string } }>('/v2/groups/*', async (request, reply) => {
    const path = request.params['*'];
    const id = path.replace(/\/+$/, '') === '' ? '/' : appIdOf(path);
    const group = id === undefined ? undefined : findGroup(groups(scheduler), id);
    if (!group) return reply.code(404).send({ message: `Group '${id ?? '/' + path}' does not exist` });
    return group;
  });

  app.get('/v2/queue', async () => {
    const now = scheduler.currentTime();
    return {
      queue: scheduler.apps
        .visible()
        .filter((a) => a.launchWanted > 0)
        .map((a) => queueEntryJson(scheduler, a, now)),
    };
  });
};

/** A server (the shared one every surface uses) serving only Marathon's API. */
export async function buildMarathonApp(options: MarathonRoutesOptions): Promise<FastifyInstance> {
  const app = createHttpServer({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
  });
  await app.register(marathonRoutes, options);
  return app;
}

/**
 * `embed` values of GET /v2/apps. Marathon reads the older `app.` spelling (which the `marathon` Python client
 * sends) like `apps.`, and `failures` like `lastTaskFailure`; counts, deployments and the rest are always present.
 */
function embedFlags(embed: readonly string[] | undefined): { tasks: boolean; lastTaskFailure: boolean } {
  const set = new Set((embed ?? []).map((e) => e.replace(/^apps?\./, '')));
  return { tasks: set.has('tasks'), lastTaskFailure: set.has('lastTaskFailure') || set.has('failures') };
}

function groups(scheduler: MarathonScheduler): ReturnType<typeof groupTree> {
  const apps = scheduler.apps.visible().map((rec) => ({
    id: rec.spec.id,
    version: rec.version,
    json: appJson(scheduler, rec, { tasks: false, lastTaskFailure: false }),
  }));
  return groupTree(apps, new Date(scheduler.currentTime()).toISOString());
}

/** Marathon tells event subscribers of every app definition posted or put through the API. */
function publishApiPost(scheduler: MarathonScheduler, request: FastifyRequest, rec: AppRecord): void {
  scheduler.eventBus.publish('api_post_event', () => ({
    clientIp: request.ip,
    uri: request.url.split('?')[0],
    appDefinition: appJson(scheduler, rec, { tasks: false, lastTaskFailure: false }),
  }));
}

/** The app id a URL names (fastify has already percent-decoded it), or undefined when it cannot be one. */
function appIdOf(path: string): string | undefined {
  const result = normalizeAppId(path);
  return result.ok ? result.id : undefined;
}

function invalidId(path: string): Record<string, unknown> {
  const result = normalizeAppId(path);
  return { message: 'Object is not valid', details: [{ path: '/id', errors: result.ok ? [] : result.errors }] };
}

function invalidJson(cause: string): Record<string, unknown> {
  return { message: 'Invalid JSON', details: [{ path: '/', errors: [cause] }] };
}

/** JSON bodies arrive parsed; a text/plain body (curl without a content type header) is parsed here. */
function readBody(body: unknown): { ok: true; json: unknown } | { ok: false; message: string } {
  if (body === undefined) return { ok: false, message: 'No content to map due to end-of-input' };
  if (typeof body !== 'string') return { ok: true, json: body };
  try {
    return { ok: true, json: JSON.parse(body) as unknown };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

function appLocation(request: FastifyRequest, id: string): string {
  const host = request.headers.host;
  return host === undefined ? `/v2/apps${id}` : `${request.protocol}://${host}/v2/apps${id}`;
}

function sendFailure(reply: FastifyReply, result: Exclude<ChangeResult, { kind: 'ok' }>): FastifyReply {
  switch (result.kind) {
    case 'invalid':
      return reply.code(422).send(result.error);
    case 'notFound':
      return reply.code(404).send({ message: result.message });
    case 'conflict':
      return reply.code(409).send({ message: result.message });
    case 'locked':
      return reply.code(409).send({ message: result.message, deployments: result.deployments.map((d) => ({ id: d.id })) });
  }
}

function sendDeployment(reply: FastifyReply, result: Extract<ChangeResult, { kind: 'ok' }>): FastifyReply {
  reply.header('Marathon-Deployment-Id', result.deployment.id);
  return reply.send({ version: result.deployment.version, deploymentId: result.deployment.id });
}

function sendKills(
  scheduler: MarathonScheduler,
  reply: FastifyReply,
  result: Awaited<ReturnType<MarathonScheduler['apps']['killTasks']>>,
): FastifyReply {
  if (result.kind === 'killed') return reply.send({ tasks: result.tasks.map((t) => taskJson(scheduler, t)) });
  if (result.kind === 'ok') return sendDeployment(reply, result);
  return sendFailure(reply, result);
}

function sendKill(scheduler: MarathonScheduler, reply: FastifyReply, result: KillResult): FastifyReply {
  if (result.kind === 'killed') return reply.send({ task: taskJson(scheduler, result.task) });
  if (result.kind === 'ok') return sendDeployment(reply, result);
  return sendFailure(reply, result);
}
