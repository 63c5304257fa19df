/**
 * Downloads a bundle's zip to `<dir>/<id>.zip` through `<dir>/<id>.zip.part`, renamed only once every byte the
 * server announced has arrived and been synced: an interrupted download (server gone, stall, Ctrl-C) never leaves a
 * file named like a complete bundle. A progress bar (cli-progress) goes to stderr when it is a terminal.
 */
import { open, rename, rm, stat } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { failureText } from './cluster-http.ts';
import type { BundleClient } from './bundle-client.ts';
import { CliError } from './cluster-options.ts';
import { humanBytes } from './text-table.ts';

export interface DownloadResult {
  path: string;
  bytes: number;
}

export async function downloadBundle(client: BundleClient, id: string, location: string, stallMs: number): Promise<DownloadResult> {
  const dir = resolve(location);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new CliError(`--location ${location} is not a directory`);
  const path = join(dir, `${id}.zip`);
  const part = `${path}.part`;

  // A stall timer rather than a total: a large bundle may take long, but never long without a byte.
  const controller = new AbortController();
  let stall: NodeJS.Timeout | undefined;
  const armStall = () => {
    clearTimeout(stall);
    stall = setTimeout(() => controller.abort(new DOMException('stalled', 'TimeoutError')), stallMs);
  };
  armStall();
  const response = await client.file(id, controller.signal).finally(() => clearTimeout(stall));

  const declared = response.headers.get('content-length');
  const total = declared === null ? undefined : Number(declared);
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: total === undefined ? `${id} {done}` : `${id} [{bar}] {percentage}% {done} of {size}`,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(total ?? 0, 0, { done: humanBytes(0), size: humanBytes(total ?? 0) });

  const removePart = () => rmSync(part, { force: true });
  // Ctrl-C mid-download: nothing half-written stays behind, under either name.
  const onSignal = () => {
    bar.stop();
    removePart();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const file = await open(part, 'w', 0o600);
  let bytes = 0;
  try {
    try {
      armStall();
      for await (const chunk of response.body ?? []) {
        armStall();
        await file.write(chunk);
        bytes += chunk.length;
        bar.update(bytes, { done: humanBytes(bytes) });
      }
    } catch (err) {
      throw new CliError(`download of bundle ${id} failed after ${bytes} bytes: ${failureText(`GET ${client.urlOf(id, true)}`, err, stallMs)}`);
    } finally {
      clearTimeout(stall);
      bar.stop();
    }
    if (total !== undefined && bytes !== total) throw new CliError(`download of bundle ${id} cut short: ${bytes} of ${total} bytes`);
    await file.sync();
    await file.close();
    await rename(part, path);
    const d = await open(dir, 'r');
    await d.sync().finally(() => d.close());
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(part, { force: true });
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return { path, bytes };
}
