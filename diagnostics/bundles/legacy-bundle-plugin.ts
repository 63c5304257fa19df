/**
 * dcos-diagnostics' legacy ("old serial") bundle API (reference A.4) under `/system/health/v1/report/diagnostics`,
 * on masters, as a façade over the v2 machinery: `create` starts a cluster bundle through the same coordinator,
 * store and jobs as v2's PUT, so one bundle is seen by both APIs (legacy `bundle-….zip` is v2 id `bundle-…`).
 *
 * Bodies are the original's `{"response_http_code","version":1,"status","errors":null}` envelope (create adds
 * `extra.bundle_name`), with the HTTP status equal to `response_http_code`. Create takes `{"nodes":[…]}` with keys
 * matched case-insensitively, as Go's decoder does (`{"Nodes":…}` from Go clients). Beyond the original: only a
 * Done bundle is listed or served (DCOS_OSS-5483), an empty list is `[]` (DCOS_OSS-5454), and cancel returns once
 * the job has stopped. `legacyBundleAgentPlugin` is what an agent answers.
 */
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, preValidationHookHandler } from 'fastify';
import type { BundleJobs } from './bundle-jobs.ts';
import { sendZip } from './bundle-replies.ts';
import { BundleError, type Bundle } from './bundle-store.ts';
import type { ClusterBundleCoordinator } from './cluster-bundle-coordinator.ts';
import { freeLegacyBundleId, isLegacyBundleId, legacyFileName, legacyIdOf } from './legacy-bundle-names.ts';
import { legacyJobStatus, type LegacyCollectionSettings } from './legacy-bundle-status.ts';

export const LEGACY_BUNDLES = '/system/health/v1/report/diagnostics';

export interface LegacyBundlePluginOptions {
  /** The cluster bundles' jobs (`DiagnosticsBundles.clusterJobs`), the coordinator's. */
  jobs: BundleJobs;
  coordinator: ClusterBundleCoordinator;
  /** This master's address: the key of `status/all`, and with the port of `list/all`. */
  masterIp: string;
  /** This master's diagnostics port; a function when it is known only once the server listens (`--ports ephemeral`). */
  masterPort: number | (() => number);
  /** What node bundles are collected with, as the status reports it (defaults: the content's). */
  collection?: LegacyCollectionSettings;
}

/** The envelope every legacy operation answers with. */
interface LegacyReply {
  response_http_code: number;
  version: 1;
  status: string;
  errors: null;
  extra?: { bundle_name: string };
}

interface LegacyListEntry {
  file_name: string;
  file_size: number;
}

const FORMAT_ERROR = 'format allowed  bundle-*.zip';
const notFound = (file: string) => `Bundle not found ${file}`;

const envelope = {
  type: 'object',
  properties: {
    response_http_code: { type: 'integer' },
    version: { type: 'integer' },
    status: { type: 'string' },
    errors: { type: 'null' },
    extra: { type: 'object', properties: { bundle_name: { type: 'string' } } },
  },
} as const;
const statusBody = {
  type: 'object',
  properties: {
    is_running: { type: 'boolean' },
    status: { type: 'string' },
    errors: { type: 'array', items: { type: 'string' } },
    last_bundle_dir: { type: 'string' },
    job_started: { type: 'string' },
    job_ended: { type: 'string' },
    job_duration: { type: 'string' },
    job_progress_percentage: { type: 'number' },
    diagnostics_bundle_dir: { type: 'string' },
    diagnostics_job_timeout_min: { type: 'integer' },
    journald_logs_since_hours: { type: 'string' },
    diagnostics_job_get_since_url_timeout_min: { type: 'integer' },
    command_exec_timeout_sec: { type: 'integer' },
    diagnostics_partition_disk_usage_percent: { type: 'number' },
  },
} as const;
const listBody = {
  type: 'array',
  items: { type: 'object', properties: { file_name: { type: 'string' }, file_size: { type: 'integer' } } },
} as const;
/** The create body once its keys are lower-cased (`goFieldNames`); Go ignores unknown fields, so does this. */
const createBody = {
  type: ['object', 'null'],
  properties: {
    version: { type: 'integer' },
    nodes: { type: ['array', 'null'], maxItems: 10_000, items: { type: 'string', maxLength: 256 } },
  },
} as const;
const fileParams = { type: 'object', properties: { file: { type: 'string' } }, required: ['file'] } as const;
const replies = { '2xx': envelope, '4xx': envelope, '5xx': envelope };

type CreateRequest = FastifyRequest<{ Body: { version?: number; nodes?: string[] | null } | null | undefined }>;
type FileRequest = FastifyRequest<{ Params: { file: string } }>;

export const legacyBundlePlugin: FastifyPluginAsync<LegacyBundlePluginOptions> = async (app, options) => {
  const { jobs, coordinator, masterIp } = options;
  const { store } = jobs;
  const masterPort = () => (typeof options.masterPort === 'function' ? options.masterPort() : options.masterPort);
  // A create between its check and its job being registered as running; a second one is refused meanwhile.
  let starting = false;

  answerClientErrorsAsEnvelopes(app);

  app.post(
    `${LEGACY_BUNDLES}/create`,
    { schema: { body: createBody, response: replies }, preValidation: goFieldNames },
    async (request: CreateRequest, reply) => {
      // Go's decoder fails on an empty body (EOF), before anything is looked at.
      if (request.body === undefined) return sendLegacy(reply, 400, 'the request has no body: expected {"nodes":["all"|"masters"|"agents"|<ip>|<mesos id>|<hostname>, …]}');
      const running = jobs.runningIds('Cluster');
      if (starting || running.length > 0)
        return sendLegacy(reply, 409, `Job is already running${running.length > 0 ? `: ${running.map(jobName).join(', ')}` : ''}`, '');
      starting = true;
      try {
        const id = await freeLegacyBundleId(store);
        await coordinator.start(id, { nodes: request.body?.nodes ?? [] });
        return sendLegacy(reply, 200, 'Job has been successfully started', legacyFileName(id));
      } catch (err) {
        if (err instanceof BundleError) return sendLegacy(reply, err.code, err.message, '');
        throw err;
      } finally {
        starting = false;
      }
    },
  );

  app.post(`${LEGACY_BUNDLES}/cancel`, { schema: { response: replies } }, async (_request, reply) => {
    const running = jobs.runningIds('Cluster');
    if (running.length === 0) return sendLegacy(reply, 503, 'Job is not running');
    await Promise.all(running.map((id) => jobs.cancel(id)));
    return sendLegacy(reply, 200, 'Attempting to cancel a job, please check job status.');
  });

  const status = () => legacyJobStatus(jobs, coordinator, options.collection);
  app.get(`${LEGACY_BUNDLES}/status`, { schema: { response: { 200: statusBody } } }, status);
  app.get(`${LEGACY_BUNDLES}/status/all`, { schema: { response: { 200: { type: 'object', additionalProperties: statusBody } } } }, async () => ({
    [masterIp]: await status(),
  }));

  const list = async (reply: FastifyReply): Promise<LegacyListEntry[] | FastifyReply> => {
    try {
      return (await store.list()).filter((b) => isLegacyBundleId(b.id) && b.status === 'Done' && b.size !== undefined).map(listEntry);
    } catch (err) {
      return sendFailure(reply, err);
    }
  };
  app.get(`${LEGACY_BUNDLES}/list`, { schema: { response: { 200: listBody, '5xx': envelope } } }, (_request, reply) => list(reply));
  app.get(
    `${LEGACY_BUNDLES}/list/all`,
    { schema: { response: { 200: { type: 'object', additionalProperties: listBody }, '5xx': envelope } } },
    async (_request, reply) => {
      const entries = await list(reply);
      return Array.isArray(entries) ? { [`${masterIp}:${masterPort()}`]: entries } : entries;
    },
  );

  app.get(
    `${LEGACY_BUNDLES}/serve/:file`,
    { schema: { params: fileParams, response: { '4xx': envelope, '5xx': envelope } } },
    fileHandler(async (id, request, reply) => {
      const bundle = await store.get(id);
      if (bundle?.status !== 'Done') return sendLegacy(reply, 404, notFound(request.params.file));
      return sendZip(request, reply, {
        path: store.zipPath(id),
        filename: request.params.file,
        contentType: 'application/octet-stream',
        onMissing: (r) => sendLegacy(r, 404, notFound(request.params.file)),
      });
    }),
  );

  app.post(
    `${LEGACY_BUNDLES}/delete/:file`,
    { schema: { params: fileParams, response: replies } },
    fileHandler(async (id, request, reply) => {
      const bundle = await store.get(id);
      if (bundle === undefined || bundle.status === 'Deleted' || bundle.status === 'Canceled') return sendLegacy(reply, 404, notFound(request.params.file));
      // As v2's DELETE: a finished bundle loses its zip (its state stays, Deleted), a running one is canceled.
      await jobs.delete(id);
      return sendLegacy(reply, 200, `Deleted ${store.zipPath(id)}`);
    }),
  );
};

/**
 * The agent side: DC/OS serves the legacy API on masters, and an agent refuses a job with these texts (create 400,
 * cancel 503), so a client pointed at an agent is told why rather than given a 404.
 */
export const legacyBundleAgentPlugin: FastifyPluginAsync = async (app) => {
  answerClientErrorsAsEnvelopes(app);
  app.post(`${LEGACY_BUNDLES}/create`, { schema: { response: replies } }, async (_request, reply) =>
    sendLegacy(reply, 400, 'running diagnostics job on agent node is not implemented', ''),
  );
  app.post(`${LEGACY_BUNDLES}/cancel`, { schema: { response: replies } }, async (_request, reply) =>
    sendLegacy(reply, 503, 'canceling diagnostics job on agent node is not implemented'),
  );
};

/** Bad bodies, bad media types and too-large bodies are the envelope too (within the plugin); anything else is the server's 500. */
function answerClientErrorsAsEnvelopes(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return sendLegacy(reply, error.statusCode, error.message);
    throw error;
  });
}

/** A `…/{file}` handler: the name checked first (400), a BundleError answered with its status. */
function fileHandler(handle: (id: string, request: FileRequest, reply: FastifyReply) => Promise<unknown>) {
  return async (request: FileRequest, reply: FastifyReply): Promise<unknown> => {
    const id = legacyIdOf(request.params.file);
    if (id === undefined) return sendLegacy(reply, 400, FORMAT_ERROR);
    try {
      return await handle(id, request, reply);
    } catch (err) {
      return sendFailure(reply, err);
    }
  };
}

/** Go's decoder matches field names case-insensitively: `Nodes` and `NODES` are `nodes` (the last one wins, as in Go). */
const goFieldNames: preValidationHookHandler = (request, _reply, done) => {
  const body = request.body;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      const name = key.toLowerCase();
      if (name === 'nodes' || name === 'version') fields[name] = value;
    }
    request.body = fields;
  }
  done();
};

function sendLegacy(reply: FastifyReply, code: number, status: string, bundleName?: string): FastifyReply {
  const body: LegacyReply = { response_http_code: code, version: 1, status, errors: null, ...(bundleName === undefined ? {} : { extra: { bundle_name: bundleName } }) };
  return reply.code(code).type('application/json; charset=utf-8').send(body);
}

function sendFailure(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof BundleError) return sendLegacy(reply, err.code, err.message);
  throw err;
}

function listEntry(bundle: Bundle): LegacyListEntry {
  return { file_name: `${LEGACY_BUNDLES}/serve/${legacyFileName(bundle.id)}`, file_size: bundle.size ?? 0 };
}

/** How a 409 names the job under way: its legacy file, or the v2 cluster bundle's id. */
function jobName(id: string): string {
  return isLegacyBundleId(id) ? legacyFileName(id) : `cluster bundle ${id}`;
}
