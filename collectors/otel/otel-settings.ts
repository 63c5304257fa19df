/**
 * What the standard OTEL_* variables ask for, read without loading any of the SDK. A signal is exported when its
 * exporter variable says `otlp`, or is unset while an OTLP endpoint is given; `none` (or OTEL_SDK_DISABLED=true)
 * turns it off. With nothing asked for, `otelSettingsFromEnv` returns undefined and the SDK is never imported: a
 * minidc started without these variables exports nothing and pays nothing for it.
 *
 * This is stricter than the SDK's own defaults (which export traces and metrics to localhost:4318 when nothing is
 * set) on purpose: an operator who set no variable did not ask for a connection to anything.
 */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface OtelSignalSettings {
  /** Where OTLP/HTTP requests for this signal go (the full path, e.g. http://collector:4318/v1/metrics). */
  readonly url: string;
  readonly protocol: OtlpProtocol;
}

export interface OtelSettings {
  readonly serviceName: string;
  readonly metrics?: OtelSignalSettings & { readonly intervalMs: number; readonly timeoutMs: number };
  readonly traces?: OtelSignalSettings;
}

export class OtelConfigError extends Error {}

export const DEFAULT_SERVICE_NAME = 'minidc';
/** The OTLP/HTTP default endpoint of the specification. */
const DEFAULT_ENDPOINT = 'http://localhost:4318';
const DEFAULT_INTERVAL_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 30_000;

type Env = Readonly<Record<string, string | undefined>>;

export function otelSettingsFromEnv(env: Env): OtelSettings | undefined {
  if (set(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true') return undefined;
  const metrics = signal(env, 'METRICS', 'metrics');
  const traces = signal(env, 'TRACES', 'traces');
  if (metrics === undefined && traces === undefined) return undefined;
  const intervalMs = milliseconds(env, 'OTEL_METRIC_EXPORT_INTERVAL', DEFAULT_INTERVAL_MS);
  // The SDK's reader refuses a timeout longer than its interval; an export cannot usefully outlast the next one.
  const timeoutMs = Math.min(milliseconds(env, 'OTEL_METRIC_EXPORT_TIMEOUT', DEFAULT_TIMEOUT_MS), intervalMs);
  return {
    serviceName: set(env.OTEL_SERVICE_NAME) ?? DEFAULT_SERVICE_NAME,
    ...(metrics === undefined ? {} : { metrics: { ...metrics, intervalMs, timeoutMs } }),
    ...(traces === undefined ? {} : { traces }),
  };
}

function signal(env: Env, name: 'METRICS' | 'TRACES', path: string): OtelSignalSettings | undefined {
  const exporterVar = `OTEL_${name}_EXPORTER`;
  const exporters = (set(env[exporterVar]) ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '');
  const unsupported = exporters.filter((e) => e !== 'otlp' && e !== 'none');
  if (unsupported.length > 0) throw new OtelConfigError(`${exporterVar}: unsupported exporter '${unsupported[0]}' (use otlp or none)`);
  if (exporters.includes('none')) return undefined;
  const own = set(env[`OTEL_EXPORTER_OTLP_${name}_ENDPOINT`]);
  const base = set(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (exporters.length === 0 && own === undefined && base === undefined) return undefined;
  // As the specification says: a signal's own endpoint is used as given, the base one gets the signal's path.
  const url = own ?? `${(base ?? DEFAULT_ENDPOINT).replace(/\/+$/, '')}/v1/${path}`;
  checkUrl(own === undefined ? (base === undefined ? 'the default endpoint' : 'OTEL_EXPORTER_OTLP_ENDPOINT') : `OTEL_EXPORTER_OTLP_${name}_ENDPOINT`, url);
  return { url, protocol: protocol(env, name) };
}

function protocol(env: Env, name: 'METRICS' | 'TRACES'): OtlpProtocol {
  const ownVar = `OTEL_EXPORTER_OTLP_${name}_PROTOCOL`;
  const own = set(env[ownVar]);
  const value = own ?? set(env.OTEL_EXPORTER_OTLP_PROTOCOL) ?? 'http/protobuf';
  if (value === 'http/protobuf' || value === 'http/json') return value;
  throw new OtelConfigError(
    `${own === undefined ? 'OTEL_EXPORTER_OTLP_PROTOCOL' : ownVar}: unsupported protocol '${value}' (use http/protobuf or http/json)`,
  );
}

function checkUrl(what: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OtelConfigError(`${what}: not a URL: '${url}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new OtelConfigError(`${what}: '${url}' is not an http(s) URL (OTLP/HTTP only)`);
}

function milliseconds(env: Env, name: string, fallback: number): number {
  const text = set(env[name]);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n <= 0)
    throw new OtelConfigError(`${name}: expected a positive whole number of milliseconds, got '${text}'`);
  return n;
}

/** The specification treats an empty variable as unset. */
function set(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === '' ? undefined : v;
}
