/**
 * The one call the dashboards check makes of a Prometheus: an instant query through `/api/v1/query`. A network
 * failure, a timeout or an answer that is not Prometheus's JSON is `PrometheusUnreachable`; a query Prometheus
 * rejects is `PrometheusQueryError` with its message.
 */
export class PrometheusUnreachable extends Error {}
export class PrometheusQueryError extends Error {}

export interface InstantSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export class PrometheusQueryApi {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async query(expr: string): Promise<InstantSample[]> {
    const url = new URL('api/v1/query', this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    let body: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: expr }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = (await response.json()) as typeof body;
    } catch (err) {
      throw new PrometheusUnreachable(`Prometheus at ${this.baseUrl} is unreachable: ${(err as Error).message}`);
    }
    if (body.status === 'error') throw new PrometheusQueryError(body.error ?? 'query rejected');
    if (body.status !== 'success' || body.data === undefined) throw new PrometheusUnreachable(`${this.baseUrl} did not answer as a Prometheus does`);
    if (body.data.resultType === 'scalar') return [{ labels: {}, value: Number((body.data.result as [number, string])[1]) }];
    const result = body.data.result as { metric: Record<string, string>; value: [number, string] }[];
    return result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  }
}
