/**
 * The one call the dashboards check makes of a Prometheus: an instant query through `/api/v1/query`. A network
 * failure, a timeout or an answer that is not Prometheus's JSON is `PrometheusUnreachable`; a query Prometheus
 * rejects is `PrometheusQueryError` with its message. Credentials in the URL (`https://user:pass@host`) are sent as
 * basic auth, since fetch refuses a URL that carries them.
 */
export class PrometheusUnreachable extends Error {}
export class PrometheusQueryError extends Error {}

export interface InstantSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The URL as it may be printed: without a password. */
function shown(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    if (url.password !== '') url.password = '***';
    return url.href;
  } catch {
    return baseUrl;
  }
}

export class PrometheusQueryApi {
  private readonly shownUrl: string;

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.shownUrl = shown(baseUrl);
  }

  async query(expr: string): Promise<InstantSample[]> {
    let body: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
    try {
      const url = new URL('api/v1/query', this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      if (url.username !== '' || url.password !== '') {
        const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
        headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
        url.username = '';
        url.password = '';
      }
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: new URLSearchParams({ query: expr }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        throw new Error(`HTTP ${response.status}, not a Prometheus API answer`);
      }
    } catch (err) {
      throw new PrometheusUnreachable(`Prometheus at ${this.shownUrl} is unreachable: ${(err as Error).message}`);
    }
    if (body.status === 'error') throw new PrometheusQueryError(body.error ?? 'query rejected');
    if (body.status !== 'success' || body.data === undefined) throw new PrometheusUnreachable(`Prometheus at ${this.shownUrl} is unreachable: not a Prometheus API answer`);
    if (body.data.resultType === 'scalar') return [{ labels: {}, value: Number((body.data.result as [number, string])[1]) }];
    const result = body.data.result as { metric: Record<string, string>; value: [number, string] }[];
    return result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  }
}
