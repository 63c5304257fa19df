/**
 * The largest request body Admin Router hands on to an upstream (nginx's `client_max_body_size`; config
 * `adminrouter_max_body_size_mb`, default 1 GiB). A declared Content-Length over it is refused before the upstream
 * is asked; a chunked body is counted while it streams and cut where it passes the limit, so the proxy never holds
 * more than a chunk of it. Either way the client gets 413 `{"message"}` and the connection is closed, since the
 * rest of the body is not going to be read.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../http/http-error.ts';

export const DEFAULT_MAX_PROXIED_BODY_BYTES = 1024 * 1024 * 1024;

export class ProxiedBodyTooLarge extends HttpError {
  constructor(maxBytes: number) {
    super(413, `Payload Too Large: request bodies through Admin Router may be at most ${maxBytes} bytes`);
  }
}

/** Refuses a declared oversize body, or swaps the body stream the proxy will send for one that counts it. */
export function limitProxiedBody(request: FastifyRequest, reply: FastifyReply, maxBytes: number): void {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    void reply.header('connection', 'close');
    throw new ProxiedBodyTooLarge(maxBytes);
  }
  const body = request.body as Readable | undefined;
  if (body !== undefined && typeof body.pipe === 'function') {
    const counted = new ByteLimit(maxBytes);
    body.on('error', (err) => counted.destroy(err));
    request.body = body.pipe(counted);
  }
}

/** The limit's error in a failed proxy request (itself or its cause), which answers 413, not an upstream's 502. */
export function bodyTooLargeIn(error: Error & { cause?: unknown }): ProxiedBodyTooLarge | undefined {
  if (error instanceof ProxiedBodyTooLarge) return error;
  return error.cause instanceof ProxiedBodyTooLarge ? error.cause : undefined;
}

class ByteLimit extends Transform {
  private seen = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) done(new ProxiedBodyTooLarge(this.maxBytes));
    else done(null, chunk);
  }
}
