/**
 * One thing a node's bundle collects (a unit's journal, an endpoint dump, a command's output…), in the spirit of
 * node_exporter's collectors: a name, whether its failure matters, and one `run` that writes into the sink. A
 * collector honours its signal (cancel or its own timeout); the runner also stops waiting for one that does not.
 */
import type { BundleSink } from '../bundle-content.ts';

export interface BundleCollector {
  /** Its file's name (single-file collectors), or what it collects; a returned error starts with it. */
  readonly name: string;
  /** A failure is written as the file `name`'s content instead of being returned (DC/OS's "Optional"). */
  readonly optional?: boolean;
  run(sink: BundleSink, signal: AbortSignal): Promise<void>;
}
