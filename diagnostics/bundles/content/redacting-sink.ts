/**
 * The sink every collector writes through: every byte passes through a `Redaction` before it reaches the bundle.
 * A Buffer or string is redacted whole (they are small: health, dumps, command output). A stream (a journal's
 * rotated files, sandbox logs: up to hundreds of MB) goes through the Redaction into the archive as it is read, so
 * a file costs a few chunks of memory, not its size (bench:diagnostics: 1 GB of journals on 10 nodes held ~1 GB
 * when each file was read whole); the Redaction keeps back a tail at each chunk end, so a secret split across
 * chunks is still caught. A stream that fails midway ends its entry with a line saying where and why, and the
 * failure is the collector's (so the zip stays valid and the error is reported). A file that comes out empty gets
 * a one-line note instead, since an empty file in a bundle reads as "collection broke" (DC/OS's DCOS_OSS-5449).
 */
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import type { BundleSink } from '../bundle-content.ts';
import { Redaction } from './redaction.ts';

export class RedactingSink implements BundleSink {
  constructor(
    private readonly sink: BundleSink,
    private readonly secrets: readonly string[],
  ) {}

  async add(name: string, source: Readable | Buffer | string): Promise<void> {
    const redaction = new Redaction(this.secrets);
    if (typeof source === 'string' || Buffer.isBuffer(source)) {
      const [, content] = await Promise.all([pipeline(Readable.from([Buffer.from(source)]), redaction), buffer(redaction)]);
      await this.sink.add(name, content.length > 0 ? content : emptyNote(name));
      return;
    }
    const redacted = pipeline(source, redaction);
    // Also awaited below; this keeps an early failure from being an unhandled rejection meanwhile.
    redacted.catch(() => {});
    const first = await firstChunk(redaction);
    if (first === undefined) {
      await redacted;
      await this.sink.add(name, emptyNote(name));
      return;
    }
    const entry = new PassThrough();
    entry.write(first);
    redaction.pipe(entry);
    redacted.catch((err: Error) => entry.end(`\n(${name} was cut off here: ${err.message})\n`));
    try {
      await Promise.all([this.sink.add(name, entry), redacted]);
    } catch (err) {
      // The archive refused the entry (aborted, failed): stop reading the source too.
      source.destroy();
      entry.destroy();
      throw err;
    }
  }
}

const emptyNote = (name: string) => `(${name} was empty when collected)\n`;

/** The first non-empty chunk `stream` gives (left paused after it), or undefined when it ends without one. */
function firstChunk(stream: Readable): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      if (chunk.length === 0) return;
      stream.pause();
      done();
      resolve(chunk);
    };
    const onEnd = () => {
      done();
      resolve(undefined);
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    stream.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
