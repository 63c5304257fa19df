/**
 * What the bundle routes share: v2's error body `{code,error}`, the id check (before any path is built from it),
 * and serving a finished zip as a download. The file is opened before the reply starts, so a bundle deleted
 * meanwhile is a clean 404, never a torn body; a single `Range: bytes=a-b` is honoured (resumed downloads), as Go's
 * `http.ServeFile` does for the legacy route (`@fastify/send` is not a dependency here).
 */
import { open } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BundleError, isBundleId, type Bundle, type BundleStore } from './bundle-store.ts';

export function sendError(reply: FastifyReply, code: number, error: string): FastifyReply {
  return reply.code(code).type('application/json; charset=utf-8').send({ code, error });
}

/** A BundleError with its status, anything else a 500 (journaled by the server's error handler). */
export function sendFailure(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof BundleError) return sendError(reply, err.code, err.message);
  throw err;
}

/** undefined (and a 400 sent) when `id` is not a bundle id. */
export function checkedId(reply: FastifyReply, id: string): string | undefined {
  if (isBundleId(id)) return id;
  void sendError(reply, 400, `invalid bundle id ${JSON.stringify(id)}`);
  return undefined;
}

export const BUNDLE_ID_PARAMS = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
/** What dcos-diagnostics sends with a bundle download (both types, as it does). */
export const ZIP_CONTENT_TYPE = 'application/zip, application/octet-stream';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** A route handler on `:id`: the id checked first (400), a BundleError answered with its status. */
export function bundleHandler<R extends IdRequest>(handle: (id: string, request: R, reply: FastifyReply) => Promise<unknown>) {
  return async (request: R, reply: FastifyReply): Promise<unknown> => {
    const id = checkedId(reply, request.params.id);
    if (id === undefined) return reply;
    try {
      return await handle(id, request, reply);
    } catch (err) {
      return sendFailure(reply, err);
    }
  };
}

/** `…/{id}/file` of the v2 API: a Done bundle's zip, else the 404/410 of `downloadable`. */
export async function sendBundleZip(store: BundleStore, request: FastifyRequest, reply: FastifyReply, id: string, notFound: string): Promise<FastifyReply> {
  if ((await downloadable(store, reply, id, notFound)) === undefined) return reply;
  return sendZip(request, reply, {
    path: store.zipPath(id),
    filename: `${id}.zip`,
    contentType: ZIP_CONTENT_TYPE,
    onMissing: (r) => sendError(r, 410, `bundle ${id} was Deleted`),
  });
}

/** The bundle when it can be downloaded; otherwise the 404/410 dcos-diagnostics answers is sent. */
export async function downloadable(store: BundleStore, reply: FastifyReply, id: string, notFound: string): Promise<Bundle | undefined> {
  const bundle = await store.get(id);
  if (bundle === undefined) {
    void sendError(reply, 404, notFound);
    return undefined;
  }
  if (bundle.status === 'Deleted' || bundle.status === 'Canceled' || bundle.status === 'Failed') {
    void sendError(reply, 410, `bundle ${id} was ${bundle.status}`);
    return undefined;
  }
  if (bundle.status !== 'Done') {
    void sendError(reply, 404, `bundle ${id} is not done yet (status ${bundle.status}), try again later`);
    return undefined;
  }
  return bundle;
}

export interface ZipDownload {
  path: string;
  /** The name the client saves it as. */
  filename: string;
  contentType: string;
  /** Sent when the file is gone by the time it is opened. */
  onMissing: (reply: FastifyReply) => FastifyReply;
}

export async function sendZip(request: FastifyRequest, reply: FastifyReply, download: ZipDownload): Promise<FastifyReply> {
  let file;
  try {
    file = await open(download.path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return download.onMissing(reply);
    throw err;
  }
  const { size } = await file.stat();
  const range = byteRange(request.headers.range, size);
  if (range === 'unsatisfiable') {
    await file.close();
    return reply.code(416).header('Content-Range', `bytes */${size}`).send();
  }
  void reply
    .header('Content-Type', download.contentType)
    .header('Content-disposition', `attachment; filename=${download.filename}`)
    .header('Accept-Ranges', 'bytes');
  if (range === undefined) {
    void reply.header('Content-Length', size);
    return reply.send(file.createReadStream());
  }
  const [start, end] = range;
  void reply.code(206).header('Content-Range', `bytes ${start}-${end}/${size}`).header('Content-Length', end - start + 1);
  return reply.send(file.createReadStream({ start, end }));
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; undefined for none (or one this server ignores). */
function byteRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null || (m[1] === '' && m[2] === '')) return undefined;
  const [first, last] = [m[1]!, m[2]!];
  const start = first === '' ? Math.max(0, size - Number(last)) : Number(first);
  const end = first === '' || last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}
