/**
 * The runtime's tracer, from @opentelemetry/api alone. Without a registered SDK the API hands out non-recording
 * spans that do nothing, which is what makes tracing free when it is off; app/main.ts registers an SDK before
 * anything runs when the OTEL_* variables ask for export, and the proxy tracer below then delegates to it.
 *
 * Span sites stay one or two lines: `startSpan` … `endSpan`, or `inSpan` around a promise.
 */
import { SpanStatusCode, trace, type Attributes, type Span, type SpanOptions } from '@opentelemetry/api';

export const tracer = trace.getTracer('minidc');

export function startSpan(name: string, attributes?: Attributes, options?: SpanOptions): Span {
  return tracer.startSpan(name, attributes === undefined ? options : { ...options, attributes });
}

/** Ends a span; `error` (a message) marks it failed. Attributes are only built into the span when it records. */
export function endSpan(span: Span, attributes?: Attributes, error?: string): void {
  if (span.isRecording()) {
    if (attributes !== undefined) span.setAttributes(attributes);
    if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  }
  span.end();
}

/** Runs `work` in a span, which fails with the error `work` rejects with (rethrown). */
export async function inSpan<T>(name: string, work: (span: Span) => Promise<T>, attributes?: Attributes): Promise<T> {
  const span = startSpan(name, attributes);
  try {
    const result = await work(span);
    span.end();
    return result;
  } catch (err) {
    if (span.isRecording()) span.recordException(err instanceof Error ? err : String(err));
    endSpan(span, undefined, err instanceof Error ? err.message : String(err));
    throw err;
  }
}
