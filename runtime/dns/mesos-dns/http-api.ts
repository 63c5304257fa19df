/**
 * Mesos-DNS's HTTP API as a fastify plugin, with Mesos-DNS's response shapes: `/v1/version`, `/v1/config`,
 * `/v1/hosts/{host}`, `/v1/services/{service}`, `/v1/enumerate` and `/v1/axfr`. Only the Mesos domain is served here
 * (no forwarding). The JSON schemas validate parameters and make serialisation fast.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Enumeration } from './enumeration.ts';
import { wireKeyToName } from '../wire/dns-names.ts';
import type { RecordSet } from './record-set.ts';
import { MESOS_DNS_VERSION } from './mesos-dns-config.ts';

export interface AxfrDocument {
  TTL: number;
  Serial: number;
  RefreshSeconds: number;
  Mname: string;
  Rname: string;
  Domain: string;
  Records: { As: Record<string, string[]>; AAAAs: Record<string, string[]>; SRVs: Record<string, string[]> };
}

/** What the routes read; supplied by MesosDns so the plugin holds no state of its own. */
export interface MesosDnsHttpView {
  /** Records now served; undefined before the first successful load. */
  records(): RecordSet | undefined;
  configDocument(): Record<string, unknown>;
  enumerationOn: boolean;
  enumeration(): Enumeration;
  axfr(): AxfrDocument;
}

/** Mesos-DNS's name normalisation for the HTTP API: lower-cased, `.*` removed, fully qualified. */
export function normalizeHttpName(name: string): string {
  const n = name.toLowerCase().replaceAll('.*', '');
  return n.endsWith('.') ? n : `${n}.`;
}

const stringProps = (...names: string[]) => ({
  type: 'object',
  properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])),
});
const recordMap = { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } };
const nameParam = (name: string) => ({
  type: 'object',
  properties: { [name]: { type: 'string', minLength: 1, maxLength: 1024 } },
  required: [name],
});

export const mesosDnsHttpApi: FastifyPluginAsync<{ view: MesosDnsHttpView }> = async (app, { view }) => {
  app.get(
    '/v1/version',
    { schema: { response: { 200: stringProps('Service', 'Version', 'URL') } } },
    async () => ({ Service: 'Mesos-DNS', Version: MESOS_DNS_VERSION, URL: 'https://github.com/mesosphere/mesos-dns' }),
  );

  app.get('/v1/config', { schema: { response: { 200: { type: 'object', additionalProperties: true } } } }, async () =>
    view.configDocument(),
  );

  app.get<{ Params: { host: string } }>(
    '/v1/hosts/:host',
    { schema: { params: nameParam('host'), response: { 200: { type: 'array', items: stringProps('host', 'ip') } } } },
    async (req) => {
      const name = normalizeHttpName(req.params.host);
      const ips = view.records()?.addressesOf(name) ?? [];
      return ips.length === 0 ? [{ host: '', ip: '' }] : ips.map((ip) => ({ host: name, ip }));
    },
  );

  app.get('/v1/hosts/:host/ports', async (_req, reply) => reply.code(501).type('text/plain').send('To be implemented...'));

  app.get<{ Params: { service: string } }>(
    '/v1/services/:service',
    {
      schema: {
        params: nameParam('service'),
        response: { 200: { type: 'array', items: stringProps('service', 'host', 'ip', 'port') } },
      },
    },
    async (req) => {
      const service = req.params.service;
      const records = view.records();
      const found: { service: string; host: string; ip: string; port: string }[] = [];
      for (const { target, port } of records?.srvOf(normalizeHttpName(service)) ?? []) {
        const host = wireKeyToName(target);
        for (const ip of [records?.a.get(target)?.[0], records?.aaaa.get(target)?.[0]]) {
          if (ip !== undefined) found.push({ service, host, ip, port: String(port) });
        }
      }
      return found.length === 0 ? [{ service: '', host: '', ip: '', port: '' }] : found;
    },
  );

  if (!view.enumerationOn) return;

  app.get(
    '/v1/enumerate',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              frameworks: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: { type: 'string' },
                    tasks: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          name: { type: 'string' },
                          id: { type: 'string' },
                          records: { type: 'array', items: stringProps('name', 'host', 'rtype') },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => view.enumeration(),
  );

  app.get(
    '/v1/axfr',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              TTL: { type: 'integer' },
              Serial: { type: 'integer' },
              RefreshSeconds: { type: 'integer' },
              Mname: { type: 'string' },
              Rname: { type: 'string' },
              Domain: { type: 'string' },
              Records: { type: 'object', properties: { As: recordMap, AAAAs: recordMap, SRVs: recordMap } },
            },
          },
        },
      },
    },
    async () => view.axfr(),
  );
};
