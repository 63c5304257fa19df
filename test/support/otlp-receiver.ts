/**
 * An OTLP/HTTP receiver for tests (no collector binary exists for this machine): a node:http server taking
 * `POST /v1/metrics` and `POST /v1/traces` in OTLP's JSON encoding (OTEL_EXPORTER_OTLP_PROTOCOL=http/json), decoding
 * each request as the OTLP JSON mapping defines it and keeping the metric points and spans that arrived.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AttributeValue = string | number | boolean;

export interface ReceivedPoint {
  readonly metric: string;
  /** `gauge`, or `sum` (a counter: monotonic, cumulative). */
  readonly type: 'gauge' | 'sum' | 'other';
  readonly unit: string;
  readonly monotonic?: boolean;
  /** OTLP's AggregationTemporality: 2 is cumulative. */
  readonly temporality?: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly value: number;
  readonly service: string | undefined;
}

export interface ReceivedSpan {
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** OTLP's StatusCode: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly service: string | undefined;
}

export interface OtlpReceiver {
  readonly url: string;
  readonly points: ReceivedPoint[];
  readonly spans: ReceivedSpan[];
  /** Every request that arrived, whatever its path (a connection the test did not expect shows up here). */
  readonly requests: string[];
  close(): Promise<void>;
}

interface JsonKeyValue {
  key: string;
  value: JsonAnyValue;
}
interface JsonAnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: JsonKeyValue[] };
}
interface JsonPoint {
  attributes?: JsonKeyValue[];
  asDouble?: number;
  asInt?: number | string;
}
interface JsonMetric {
  name: string;
  unit?: string;
  gauge?: { dataPoints: JsonPoint[] };
  sum?: { dataPoints: JsonPoint[]; isMonotonic?: boolean; aggregationTemporality?: number };
}
interface JsonResource {
  resource?: { attributes?: JsonKeyValue[] };
}
interface MetricsRequest {
  resourceMetrics: (JsonResource & { scopeMetrics: { metrics: JsonMetric[] }[] })[];
}
interface TracesRequest {
  resourceSpans: (JsonResource & {
    scopeSpans: {
      spans: {
        name: string;
        kind: number;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes?: JsonKeyValue[];
        status?: { code?: number; message?: string };
      }[];
    }[];
  })[];
}

const MAX_BODY = 16 * 1024 * 1024;

function anyValue(v: JsonAnyValue): AttributeValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  // Lists (a resource's process.command_args) are kept as their JSON text: tests compare scalars.
  if (v.arrayValue !== undefined) return JSON.stringify((v.arrayValue.values ?? []).map(anyValue));
  if (v.kvlistValue !== undefined) return JSON.stringify(attributes(v.kvlistValue.values));
  throw new Error(`unsupported attribute value ${JSON.stringify(v)}`);
}

function attributes(list: JsonKeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

function serviceOf(r: JsonResource): string | undefined {
  const name = attributes(r.resource?.attributes)['service.name'];
  return typeof name === 'string' ? name : undefined;
}

export async function startOtlpReceiver(host = '127.0.0.1', port = 0): Promise<OtlpReceiver> {
  const points: ReceivedPoint[] = [];
  const spans: ReceivedSpan[] = [];
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      try {
        const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (req.method === 'POST' && req.url === '/v1/metrics') decodeMetrics(body as MetricsRequest, points);
        else if (req.method === 'POST' && req.url === '/v1/traces') decodeTraces(body as TracesRequest, spans);
        else {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end((err as Error).message);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    points,
    spans,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function decodeMetrics(body: MetricsRequest, out: ReceivedPoint[]): void {
  if (!Array.isArray(body.resourceMetrics)) throw new Error('not an OTLP metrics request: no resourceMetrics');
  for (const rm of body.resourceMetrics) {
    const service = serviceOf(rm);
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics) {
        const data = m.gauge ?? m.sum;
        const type = m.gauge ? 'gauge' : m.sum ? 'sum' : 'other';
        for (const p of data?.dataPoints ?? [])
          out.push({
            metric: m.name,
            type,
            unit: m.unit ?? '',
            ...(m.sum ? { monotonic: m.sum.isMonotonic === true, temporality: m.sum.aggregationTemporality ?? 0 } : {}),
            attributes: attributes(p.attributes),
            value: p.asDouble ?? Number(p.asInt),
            service,
          });
      }
  }
}

function decodeTraces(body: TracesRequest, out: ReceivedSpan[]): void {
  if (!Array.isArray(body.resourceSpans)) throw new Error('not an OTLP traces request: no resourceSpans');
  for (const rs of body.resourceSpans) {
    const service = serviceOf(rs);
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans)
        out.push({
          name: s.name,
          kind: s.kind,
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? '',
          attributes: attributes(s.attributes),
          statusCode: s.status?.code ?? 0,
          statusMessage: s.status?.message ?? '',
          service,
        });
  }
}
