/**
 * One pull's report as the aggregated routes serve it (the report cache): built at most once, on the first request
 * after the pull, and shared by every request until the next pull replaces it. The whole report (tens of MB at
 * 1,000 nodes, every unit listing a copy of every node) is kept only compressed: its JSON goes piece by piece into
 * gzip and brotli at once (one serialisation for both, never held whole), and a client that takes neither gets the
 * gzip bytes inflated as they are sent, with the identity length known. The small list views are kept as JSON bytes.
 */
import { once } from 'node:events';
import type { Readable } from 'node:stream';
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
  let identityLength = 0;
  try {
    for (const chunk of reportJsonChunks(report)) {
      const bytes = Buffer.from(chunk);
      identityLength += bytes.length;
      gzip.write(bytes);
      brotli.write(bytes);
      // Waiting for both keeps the compressors' queues short (and lets the event loop run between chunks); each
      // is checked as it stands, since one may drain while the other is awaited.
      if (gzip.writableNeedDrain) await once(gzip, 'drain');
      if (brotli.writableNeedDrain) await once(brotli, 'drain');
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
