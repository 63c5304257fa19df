/**
 * The limits every minidc HTTP surface puts on what a client may send, so a hostile or broken client costs a
 * bounded amount of memory and CPU and gets a JSON error saying which limit it hit:
 *
 * - the request target (path and query string) is at most `maxUrlLength` bytes: 414. Targets longer than node's
 *   header limit (16 KiB, request line included) never reach a route; the client-error handler answers those too,
 *   telling a long request line (414) from too many header bytes (431).
 * - JSON bodies nest at most `MAX_JSON_DEPTH` levels: 400 (see json-depth.ts). The body size limit is fastify's
 *   `bodyLimit` (413).
 * - a request line and headers must arrive within `headersTimeout` (slowloris); node's 408 is sent as JSON.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** nginx's default for a request line is 8 KiB too; Mesos and Marathon URLs are far shorter. */
export const DEFAULT_MAX_URL_LENGTH = 8 * 1024;
/** Marathon app definitions and Mesos calls nest under 15 levels; 64 leaves room for labels and free-form JSON. */
export const MAX_JSON_DEPTH = 64;

/** An onRequest hook answering 414 for a request target longer than `maxUrlLength`. */
export function rejectLongUrls(app: FastifyInstance, maxUrlLength: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    if (request.url.length > maxUrlLength) {
      void reply.code(414).send({ message: uriTooLong(request.url.length, maxUrlLength) });
      return;
    }
    done();
  });
}

function uriTooLong(length: number | undefined, max: number): string {
  return `URI Too Long: the request target${length === undefined ? '' : ` is ${length} bytes and`} may be at most ${max} bytes`;
}

/**
 * node's `clientError` (a request that could not be parsed or arrived too slowly), answered with minidc's
 * `{"message"}` body instead of fastify's own shape, then the socket is closed.
 */
export function clientErrorHandler(maxUrlLength: number) {
  return (err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void => {
    // A reset connection has no one left to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    let status = 400;
    let message = `Bad Request: ${err.code ?? 'malformed HTTP request'}`;
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      message = 'Request Timeout: the request did not arrive in time';
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      const lineEnd = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.indexOf('\r\n') : -1;
      if (lineEnd < 0 || lineEnd > maxUrlLength) {
        status = 414;
        message = uriTooLong(undefined, maxUrlLength);
      } else {
        status = 431;
        message = 'Request Header Fields Too Large';
      }
    }
    if (socket.writable) {
      const body = JSON.stringify({ message });
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
