/**
 * One pull's report as the aggregated routes serve it (the report cache): built at most once, on the first request
 * after the pull, and shared by every request until the next pull replaces it. The whole report (tens of MB at
 * 1,000 nodes, every unit listing a copy of every node) is kept only compressed: its JSON goes piece by piece into
 * gzip and brotli at once (one serialisation for both, never held whole), and a client that takes neither gets the
 * gzip bytes inflated as they are sent, with the identity length known. The small list views are kept as JSON bytes.
 */
import type { Readable, Writable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { constants, createBrotliCompress, createGunzip, createGzip } from 'node:zlib';
import type { BodyEncoding } from './accept-encoding.ts';
import type { ClusterReport } from './cluster-report.ts';
import { reportJsonChunks } from './report-json.ts';

export interface EncodedBody {
  /** A Buffer, or for identity the gzip bytes being inflated. */
  body: Buffer | Readable;
  length: number;
}

interface CompressedReport {
  gzip: Buffer;
  brotli: Buffer;
  identityLength: number;
}

export class ServedReport {
  private built: ClusterReport | undefined;
  private compressed: Promise<CompressedReport> | undefined;
  private readonly views = new Map<string, Buffer>();

  /** `pullWallMs`: when the pull ended (undefined: no pull yet). */
  constructor(
    private readonly build: () => ClusterReport,
    readonly pullWallMs: number | undefined,
  ) {}

  get report(): ClusterReport {
    this.built ??= this.build();
    return this.built;
  }

  /** A small view's JSON, serialised once per pull. */
  view(name: string, render: (report: ClusterReport) => unknown): Buffer {
    let bytes = this.views.get(name);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(render(this.report)));
      this.views.set(name, bytes);
    }
    return bytes;
  }

  /** The whole report's JSON in `encoding`. */
  async reportBody(encoding: BodyEncoding): Promise<EncodedBody> {
    // A failed build is not kept: the next request tries again.
    this.compressed ??= compressJson(this.report).catch((err: unknown) => {
      this.compressed = undefined;
      throw err;
    });
    const { gzip, brotli, identityLength } = await this.compressed;
    if (encoding === 'gzip') return { body: gzip, length: gzip.length };
    if (encoding === 'br') return { body: brotli, length: brotli.length };
    const inflate = createGunzip();
    inflate.end(gzip);
    return { body: inflate, length: identityLength };
  }
}

/** Resolves once `stream` has processed `bytes`. */
function written(stream: Writable, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => stream.write(bytes, (err) => (err ? reject(err) : resolve())));
}

async function compressJson(report: ClusterReport): Promise<CompressedReport> {
  const gzip = createGzip();
  const brotli = createBrotliCompress({
    params: {
      // Each unit lists every node (~2 MB at 1,000 nodes): a 4 MB window reaches the previous unit's copy of a
      // node, so the copies cost almost nothing (~0.1% of the JSON), and quality 5 is faster here than gzip -6.
      [constants.BROTLI_PARAM_QUALITY]: 5,
      [constants.BROTLI_PARAM_LGWIN]: 22,
    },
  });
  const outputs = Promise.all([buffer(gzip), buffer(brotli)]);
  // One buffer, reused: each chunk is encoded into it and both compressors have taken it before the next, so the
  // tens of MB of JSON leave no garbage outside the heap (which would otherwise sit in RSS until a GC).
  let scratch = Buffer.allocUnsafe(256 * 1024);
  let identityLength = 0;
  try {
    for (const chunk of reportJsonChunks(report)) {
      const length = Buffer.byteLength(chunk);
      if (length > scratch.length) scratch = Buffer.allocUnsafe(length);
      scratch.write(chunk);
      identityLength += length;
      const bytes = scratch.subarray(0, length);
      await Promise.all([written(gzip, bytes), written(brotli, bytes)]);
    }
  } catch (err) {
    gzip.destroy();
    brotli.destroy();
    await outputs.catch(() => {});
    throw err;
  }
  gzip.end();
  brotli.end();
  const [gzipBytes, brotliBytes] = await outputs;
  return { gzip: gzipBytes, brotli: brotliBytes, identityLength };
}
