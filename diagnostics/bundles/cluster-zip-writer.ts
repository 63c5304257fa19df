/**
 * The cluster bundle's zip: each node's zip copied in under `<ip>_<role>/` without recompressing (zip.js's
 * `passThrough` moves the deflated bytes as they are, so merging costs a file copy, not a second deflate), plus the
 * root files. Entry names are checked against zip-slip before anything of a node is written; a node zip that
 * cannot be read is refused whole. Written to the caller's temp name; `close` fsyncs, `abort` removes the file.
 */
import { createWriteStream, openAsBlob, type WriteStream } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { BlobReader, TextReader, TextWriter, ZipReader, ZipWriter } from '@zip.js/zip.js';
import { assertBundleEntryName } from './zip-file-writer.ts';

/** zip.js's workers are for browsers; in node the copy and the few small root files run inline. */
const ZIP_OPTIONS = { useWebWorkers: false } as const;

export class ClusterZipWriter {
  private readonly out: WriteStream;
  private readonly zip: ZipWriter<unknown>;
  /** Node merges run one at a time (one writer); callers may call `addNodeZip` concurrently. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {
    this.out = createWriteStream(path, { mode: 0o600 });
    this.zip = new ZipWriter(Writable.toWeb(this.out) as WritableStream, { ...ZIP_OPTIONS, level: 6 });
  }

  /**
   * Copies every file of `nodeZip` under `prefix` (`10.0.0.1_master/`). Resolves with the text of the node's
   * `summaryErrorsReport.txt`, if it has one, for the cluster's own.
   */
  addNodeZip(prefix: string, nodeZip: string, signal: AbortSignal): Promise<string | undefined> {
    const run = this.queue.then(() => this.copy(prefix, nodeZip, signal));
    this.queue = run.catch(() => {});
    return run;
  }

  async addText(name: string, text: string): Promise<void> {
    assertBundleEntryName(name);
    await this.queue;
    await this.zip.add(name, new TextReader(text));
  }

  /** Writes the central directory, waits for the file to be on disk, and returns its size. */
  async close(): Promise<number> {
    await this.queue;
    await this.zip.close();
    await finished(this.out);
    const fh = await open(this.path, 'r');
    try {
      await fh.sync();
      return (await fh.stat()).size;
    } finally {
      await fh.close();
    }
  }

  async abort(): Promise<void> {
    this.out.destroy();
    await finished(this.out).catch(() => {});
    await unlink(this.path).catch(() => {});
  }

  private async copy(prefix: string, nodeZip: string, signal: AbortSignal): Promise<string | undefined> {
    signal.throwIfAborted();
    const reader = new ZipReader(new BlobReader(await openAsBlob(nodeZip)), ZIP_OPTIONS);
    try {
      const entries = (await reader.getEntries()).filter((e) => !e.directory);
      for (const e of entries) assertBundleEntryName(e.filename);
      let errors: string | undefined;
      for (const entry of entries) {
        signal.throwIfAborted();
        if (entry.filename === 'summaryErrorsReport.txt') errors = await entry.getData!(new TextWriter(), { signal });
        const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
        const copied = entry.getData!(writable, { passThrough: true, signal });
        await Promise.all([this.zip.add(`${prefix}${entry.filename}`, readable, { passThrough: true, entry, signal }), copied]);
      }
      return errors;
    } finally {
      await reader.close();
    }
  }
}
