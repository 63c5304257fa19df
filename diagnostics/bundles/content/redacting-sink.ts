/**
 * The sink every collector writes through: each file is read whole through a `Redaction` before it reaches the
 * bundle, so no byte escapes redaction and a source that fails midway never leaves a torn entry in the zip (the
 * archive only ever sees complete buffers). A file that comes out empty gets a one-line note instead, since an
 * empty file in a bundle reads as "collection broke" (DC/OS's DCOS_OSS-5449).
 */
import { Readable } from 'node:stream';
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
    const input = typeof source === 'string' || Buffer.isBuffer(source) ? Readable.from([Buffer.from(source)]) : source;
    const redaction = new Redaction(this.secrets);
    const [, content] = await Promise.all([pipeline(input, redaction), buffer(redaction)]);
    await this.sink.add(name, content.length > 0 ? content : `(${name} was empty when collected)\n`);
  }
}
