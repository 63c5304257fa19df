/**
 * A zip written as a stream to a file (archiver, zlib level 6 as `zip -6`), as the `BundleSink` content writes into.
 * Memory stays bounded: `add` resolves only when archiver has taken that entry, so each caller has at most one entry
 * queued. The file is the caller's temp name; `close` flushes it to disk (fsync) before the caller renames it into
 * place, so a listed bundle is whole after a crash; `abort` stops at once and removes the file.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import type { BundleSink } from './bundle-content.ts';

export class BundleNameError extends Error {}

/** A relative path of plain segments: no absolute paths, no `..`, no empty or control-character segments. */
export function assertBundleEntryName(name: string): void {
  // eslint-disable-next-line no-control-regex
  const bad = name === '' || name.startsWith('/') || name.includes('\\') || /[\x00-\x1f]/.test(name) || name.split('/').some((s) => s === '' || s === '.' || s === '..');
  if (bad) throw new BundleNameError(`bad bundle entry name ${JSON.stringify(name)}`);
}

export class ZipFileWriter implements BundleSink {
  private readonly archive = new ZipArchive({ zlib: { level: 6 } });
  private readonly out: WriteStream;
  /** Resolvers of `add` calls, in archiver's processing order (it processes entries strictly in append order). */
  private readonly pending: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private failure: Error | undefined;
  private closed = false;

  constructor(readonly path: string) {
    this.out = createWriteStream(path, { mode: 0o600 });
    this.archive.on('entry', () => this.pending.shift()?.resolve());
    const fail = (err: Error): void => {
      this.failure ??= err;
      for (const p of this.pending.splice(0)) p.reject(this.failure);
    };
    this.archive.on('error', fail);
    this.archive.on('warning', fail);
    this.out.on('error', fail);
    this.archive.pipe(this.out);
  }

  add(name: string, source: Readable | Buffer | string): Promise<void> {
    assertBundleEntryName(name);
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error(`bundle ${this.path} is already closed`));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.archive.append(source, { name, date: new Date() });
    });
  }

  /** Bytes written so far (the zip's size once closed). */
  get bytesWritten(): number {
    return this.archive.pointer();
  }

  /** Writes the central directory, waits for the file to be on disk, and returns its size. */
  async close(): Promise<number> {
    this.closed = true;
    await this.archive.finalize();
    await finished(this.out);
    if (this.failure) throw this.failure;
    const fh = await open(this.path, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    return this.archive.pointer();
  }

  /** Stops writing and removes the partial file; pending `add`s reject. */
  async abort(reason = new Error('bundle aborted')): Promise<void> {
    this.closed = true;
    this.failure ??= reason;
    for (const p of this.pending.splice(0)) p.reject(this.failure);
    this.archive.abort();
    this.out.destroy();
    // The file may still be opening: remove it only once the stream is closed, or the open would recreate it.
    await finished(this.out).catch(() => {});
    await unlink(this.path).catch(() => {});
  }
}
