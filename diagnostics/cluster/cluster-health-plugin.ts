/**
 * The aggregated health routes under `/system/health/v1` (dcos-diagnostics' router, reference A.1/A.3): the
 * report, its download, and unit × node views derived from it, with the original's shapes and 404 texts. Without a
 * `cache` parameter a route answers from the last pull and says when it was (`Last-Modified-3DT`, Go's ANSIC time);
 * with one (`?cache=0`) it first waits for a fresh pull. On a node that does not pull (agents) the report is empty
 * and `cache` is a 503, as the original. Answers come from the last complete pull (`ServedReport`): the report and
 * the list views as bytes built once per pull, the report also gzip or brotli by `Accept-Encoding`.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HEALTH_BASE } from '../node/node-health-plugin.ts';
import { preferredEncoding } from './accept-encoding.ts';
import type { ClusterReport, ReportNode, ReportUnit } from './cluster-report.ts';
import { EMPTY_REPORT } from './cluster-report.ts';
import { ServedReport } from './served-report.ts';

/** What the routes need of the puller (absent on nodes that do not pull). */
export interface ClusterHealthSource {
  /** The last complete pull's report (it says when that pull ended). */
  served(): ServedReport;
  pullNow(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export interface ClusterHealthPluginOptions {
  source: ClusterHealthSource | undefined;
  /** How long a `?cache=` request waits for its pull. Default 60 s (the original's wait). */
  freshPullWaitMs?: number;
}

// Unit names and node addresses only: no '/', '%' or spaces, so no id can walk out of its route. fastify's
// maxParamLength (100) answers a longer one with 414 before the schema sees it.
const ID_PATTERN = '^[A-Za-z0-9@._:-]{1,100}$';
const unitParam = { type: 'string', pattern: ID_PATTERN } as const;
const nodeParam = unitParam;
const querySchema = {
  type: 'object',
  properties: { cache: { type: 'string', maxLength: 32 } },
} as const;

const help = (mesosId: string) => `Node available at \`dcos node ssh -mesos-id ${mesosId}\`. Try, \`journalctl -xv\` to diagnose further.`;

const unitBrief = (u: ReportUnit) => ({ id: u.UnitName, name: u.PrettyName, health: u.Health, description: u.Title });
const nodeBrief = (n: ReportNode, health = n.Health) => ({ host_ip: n.IP, health, role: n.Role });

/** Go's time.ANSIC (`Mon Jan _2 15:04:05 2006`), in UTC. */
export function ansicTime(wallMs: number): string {
  // toUTCString: `Mon, 07 Dec 2026 01:23:54 GMT`.
  const [weekday, day, month, year, time] = new Date(wallMs).toUTCString().replace(',', '').split(' ') as [string, string, string, string, string];
  return `${weekday} ${month} ${String(Number(day)).padStart(2, ' ')} ${time} ${year}`;
}

export const clusterHealthPlugin: FastifyPluginAsync<ClusterHealthPluginOptions> = async (app, options) => {
  const { source } = options;
  const waitMs = options.freshPullWaitMs ?? 60_000;
  const empty = new ServedReport(() => EMPTY_REPORT, undefined);

  /** The report a request is answered from; undefined when the reply was already sent (503). */
  const reportFor = async (request: FastifyRequest, reply: FastifyReply): Promise<ServedReport | undefined> => {
    const { cache } = request.query as { cache?: string };
    if (cache !== undefined) {
      if (source === undefined) {
        void reply.code(503).type('text/plain; charset=utf-8').send('dcos-diagnostics was not started with -pull flag');
        return undefined;
      }
      let timer: NodeJS.Timeout | undefined;
      const pulled = await Promise.race([
        source.pullNow().then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
      ]).finally(() => clearTimeout(timer));
      if (!pulled) {
        void reply.code(503).type('text/plain; charset=utf-8').send(`no fresh pull within ${waitMs} ms`);
        return undefined;
      }
      return source.served();
    }
    const served = source?.served() ?? empty;
    if (served.pullWallMs !== undefined) void reply.header('Last-Modified-3DT', ansicTime(served.pullWallMs));
    return served;
  };
  const notFound = (reply: FastifyReply, what: string) => reply.code(404).type('text/plain; charset=utf-8').send(`${what} not found`);
  const unitOf = (report: ClusterReport, id: string) => report.Units?.[id];
  const nodeOf = (report: ClusterReport, ip: string) => report.Nodes?.[ip];

  const route = <P>(
    path: string,
    params: Record<string, unknown>,
    handler: (report: ClusterReport, params: P, reply: FastifyReply, served: ServedReport, request: FastifyRequest) => unknown,
  ) =>
    app.get(
      `${HEALTH_BASE}${path}`,
      {
        schema: {
          querystring: querySchema,
          ...(Object.keys(params).length === 0 ? {} : { params: { type: 'object', properties: params, required: Object.keys(params) } }),
        },
      },
      async (request, reply) => {
        const served = await reportFor(request, reply);
        if (served === undefined) return reply;
        return handler(served.report, request.params as P, reply, served, request);
      },
    );

  /** The whole report, in the encoding the client prefers of those it accepts. */
  const sendReport = async (served: ServedReport, request: FastifyRequest, reply: FastifyReply) => {
    const encoding = preferredEncoding(request.headers['accept-encoding']);
    const { body, length } = await served.reportBody(encoding);
    void reply.header('Vary', 'Accept-Encoding').header('Content-Length', length).type(JSON_TYPE);
    if (encoding !== 'identity') void reply.header('Content-Encoding', encoding);
    return reply.send(body);
  };
  /** A list view's bytes, built once per pull. */
  const sendView = (served: ServedReport, reply: FastifyReply, name: string, render: (report: ClusterReport) => unknown) =>
    reply.type(JSON_TYPE).send(served.view(name, render));

  route('/report', {}, (_report, _p, reply, served, request) => sendReport(served, request, reply));
  route('/report/download', {}, (_report, _p, reply, served, request) => {
    void reply.header('Content-disposition', 'attachment; filename=health-report.json');
    return sendReport(served, request, reply);
  });

  route('/units', {}, (_report, _p, reply, served) =>
    sendView(served, reply, 'units', (report) => ({ units: report.Units === null ? null : Object.values(report.Units).map(unitBrief) })),
  );
  route<{ unitid: string }>('/units/:unitid', { unitid: unitParam }, (report, { unitid }, reply) => {
    const unit = unitOf(report, unitid);
    return unit === undefined ? notFound(reply, unitid) : unitBrief(unit);
  });
  route<{ unitid: string }>('/units/:unitid/nodes', { unitid: unitParam }, (report, { unitid }, reply) => {
    const unit = unitOf(report, unitid);
    if (unit === undefined) return notFound(reply, unitid);
    return { nodes: (unit.Nodes ?? []).map((n) => nodeBrief(n)) };
  });
  route<{ unitid: string; nodeid: string }>('/units/:unitid/nodes/:nodeid', { unitid: unitParam, nodeid: nodeParam }, (report, { unitid, nodeid }, reply) => {
    const unit = unitOf(report, unitid);
    if (unit === undefined) return notFound(reply, unitid);
    const node = unit.Nodes?.find((n) => n.IP === nodeid);
    if (node === undefined) return notFound(reply, nodeid);
    return { ...nodeBrief(node), output: node.Output[unitid] ?? '', help: help(node.MesosID) };
  });

  route('/nodes', {}, (_report, _p, reply, served) =>
    sendView(served, reply, 'nodes', (report) => ({ nodes: report.Nodes === null ? null : Object.values(report.Nodes).map((n) => nodeBrief(n)) })),
  );
  route<{ nodeid: string }>('/nodes/:nodeid', { nodeid: nodeParam }, (report, { nodeid }, reply) => {
    const node = nodeOf(report, nodeid);
    return node === undefined ? notFound(reply, nodeid) : nodeBrief(node);
  });
  route<{ nodeid: string }>('/nodes/:nodeid/units', { nodeid: nodeParam }, (report, { nodeid }, reply) => {
    const node = nodeOf(report, nodeid);
    if (node === undefined) return notFound(reply, nodeid);
    return { units: node.Units === undefined ? null : node.Units.map(unitBrief) };
  });
  route<{ nodeid: string; unitid: string }>('/nodes/:nodeid/units/:unitid', { nodeid: nodeParam, unitid: unitParam }, (report, { nodeid, unitid }, reply) => {
    const node = nodeOf(report, nodeid);
    if (node === undefined) return notFound(reply, nodeid);
    const unit = node.Units?.find((u) => u.UnitName === unitid);
    if (unit === undefined) return notFound(reply, unitid);
    return { id: unit.UnitName, health: unit.Health, output: node.Output[unitid] ?? '', description: unit.Title, help: help(node.MesosID), name: unit.PrettyName };
  });
};
