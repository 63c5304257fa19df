/**
 * The seam between what goes into a node's bundle (the content collectors) and the bundle's life (store, job,
 * routes): content writes named files into a sink and returns what went wrong; the job owns the zip, the temp name,
 * cancel and the final rename. Names are relative paths inside the node's part of the bundle (`5050-master_state.json`,
 * `sandboxes/<task>/stdout`); the sink rejects absolute names and `..`.
 */
import type { Readable } from 'node:stream';

export interface BundleSink {
  /**
   * Adds one file. Resolves once the archive has consumed it, so a collector holds at most one file in memory at a
   * time; rejects when the bundle was aborted (cancel, timeout).
   */
  add(name: string, source: Readable | Buffer | string): Promise<void>;
}

export interface NodeBundleContent {
  /**
   * Writes this node's files into `sink`. A failing collector never throws: its error (`<collector>: <why>`) is
   * returned, and an optional collector's error text is written as the file's content instead. Stops promptly once
   * `signal` aborts.
   */
  write(sink: BundleSink, signal: AbortSignal): Promise<string[]>;
}
