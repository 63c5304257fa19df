/**
 * Mesos's `/files/browse`, `/files/read` and `/files/download` over the agent's task sandboxes (semantics of
 * `src/files/files.cpp`): browse lists a directory, read returns `{"data", "offset"}` for a byte range (the web
 * UI's log tailer), download streams a file. Every path is confined to a sandbox (see sandbox-path.ts).
 *
 * Reads are capped (`maxReadBytes`, default 16 MiB; Mesos caps at 16 pages) so one request cannot pull a whole
 * large log into memory; clients page through with `offset`.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, extname, join, sep } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Agent } from '../agent.ts';
import { badRequest, forbidden, notFound } from '../../http/http-error.ts';
import { sendJson } from '../../http/jsonp.ts';
import { loadAccountNames } from './account-names.ts';
import { fileInfoJson } from './file-info-json.ts';
import { integerParam, requiredPath } from './query-params.ts';
import { resolveSandboxPath } from './sandbox-path.ts';

export interface SandboxFilesOptions {
  agent: Agent;
  /** Most bytes one `/files/read` returns. Default 16 MiB. */
  maxReadBytes?: number;
}

export const DEFAULT_MAX_READ_BYTES = 16 * 1024 * 1024;

// O_NOFOLLOW: the canonical path has no link left, so a link swapped in after the check fails the open.
// O_NONBLOCK: opening a FIFO a task left in its sandbox must not hang the request.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

const MIME_TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.html': 'text/html',
  '.css': 'text/css',
  '.js': 'application/javascript',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.zip': 'application/zip',
};

export const sandboxFilesPlugin: FastifyPluginAsync<SandboxFilesOptions> = async (app, options) => {
  const { agent } = options;
  const maxReadBytes = options.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;

  app.get('/files/browse', async (request, reply) => {
    const path = requiredPath(request);
    const file = await resolveSandboxPath(agent, path);
    const stats = await statOrNotFound(file.real, path);
    // Like Mesos, browsing a file lists nothing.
    if (!stats.isDirectory()) return sendJson(request, reply, []);
    const [entries, names] = await Promise.all([readdir(file.real), loadAccountNames()]);
    entries.sort();
    const listed = await Promise.all(entries.map((name) => entryStats(join(file.real, name), file.sandbox)));
    const prefix = path.replace(/\/+$/, '');
    const out = [];
    for (let i = 0; i < entries.length; i++) {
      const s = listed[i];
      if (s) out.push(fileInfoJson(`${prefix}/${entries[i]}`, s, names));
    }
    return sendJson(request, reply, out);
  });

  app.get('/files/read', async (request, reply) => {
    const path = requiredPath(request);
    const offset = integerParam(request, 'offset') ?? -1;
    if (offset < -1) throw badRequest(`Negative offset provided: ${offset}.`);
    const lengthParam = integerParam(request, 'length');
    if (lengthParam !== undefined && lengthParam < -1) throw badRequest(`Negative length provided: ${lengthParam}.`);
    // The web UI sends length=-1 meaning "no length".
    const length = lengthParam === -1 ? undefined : lengthParam;

    const file = await resolveSandboxPath(agent, path);
    const handle = await openRegularFile(file.real, path, 'read');
    try {
      const size = (await handle.stat()).size;
      // offset=-1 asks for the size only (how the tailer finds the end of a log).
      if (offset === -1) return sendJson(request, reply, { data: '', offset: size });
      const want = Math.min(length ?? size - offset, maxReadBytes, Math.max(0, size - offset));
      if (want <= 0) return sendJson(request, reply, { data: '', offset });
      const buffer = Buffer.alloc(want);
      const { bytesRead } = await handle.read(buffer, 0, want, offset);
      return sendJson(request, reply, { data: buffer.subarray(0, bytesRead).toString('utf8'), offset });
    } finally {
      await handle.close();
    }
  });

  app.get('/files/download', async (request, reply) => {
    const path = requiredPath(request);
    const file = await resolveSandboxPath(agent, path);
    const handle = await openRegularFile(file.real, path, 'download');
    try {
      const size = (await handle.stat()).size;
      setDownloadHeaders(reply, file.real);
      if (size === 0) {
        await handle.close();
        return reply.send(Buffer.alloc(0));
      }
      // The size as of now: a log still being written is sent up to here, so Content-Length stays true.
      void reply.header('content-length', size);
      return reply.send(handle.createReadStream({ start: 0, end: size - 1 }));
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  });
};

async function statOrNotFound(real: string, requested: string): Promise<Stats> {
  try {
    return await stat(real);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`No such file or directory: '${requested}'`);
    throw err;
  }
}

/**
 * A listing entry's stats. A symlink is followed only when it stays inside the sandbox; otherwise it is shown as a
 * link, so the listing tells nothing about what lies outside.
 */
async function entryStats(path: string, sandbox: string): Promise<Stats | undefined> {
  try {
    const own = await lstat(path);
    if (!own.isSymbolicLink()) return own;
    const target = await realpath(path).catch(() => undefined);
    if (target === undefined || (target !== sandbox && !target.startsWith(sandbox + sep))) return own;
    return await stat(target);
  } catch {
    return undefined; // gone since readdir
  }
}

async function openRegularFile(real: string, requested: string, verb: 'read' | 'download'): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(real, OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP') throw notFound(`No such file or directory: '${requested}'`);
    if (code === 'EACCES') throw forbidden(`Permission denied: '${requested}'`);
    throw err;
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw badRequest(`Cannot ${verb} a directory.`);
    if (!stats.isFile()) throw badRequest(`Cannot ${verb} '${requested}': not a regular file.`);
    return handle;
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

function setDownloadHeaders(reply: FastifyReply, real: string): void {
  const name = basename(real);
  void reply.type(MIME_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream');
  // Plain names as Mesos sends them; anything else quoted and percent-encoded (RFC 6266) so it cannot break the header.
  const disposition = /^[\w.+-]+$/.test(name)
    ? `attachment; filename=${name}`
    : `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
  void reply.header('content-disposition', disposition);
}
