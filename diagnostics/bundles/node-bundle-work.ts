/**
 * A node bundle's work: the node's content streamed into a zip at the temp name. Errors the content returns go
 * into the bundle's `errors` and, one per line, into `summaryErrorsReport.txt` at the zip root (dcos-diagnostics'
 * v2 node bundle). An abort (cancel, timeout) aborts the writer at once, so the content's next `add` rejects and
 * the partial file is gone before the job records the end.
 */
import type { NodeBundleContent } from './bundle-content.ts';
import type { BundleWork } from './bundle-jobs.ts';
import { ZipFileWriter } from './zip-file-writer.ts';

export const SUMMARY_ERRORS_FILE = 'summaryErrorsReport.txt';

export function nodeBundleWork(content: NodeBundleContent): BundleWork {
  return async ({ tempPath, signal }) => {
    const writer = new ZipFileWriter(tempPath);
    let aborting: Promise<void> | undefined;
    const onAbort = () => (aborting ??= writer.abort(signal.reason instanceof Error ? signal.reason : new Error('bundle aborted')));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const errors = await content.write(writer, signal);
      signal.throwIfAborted();
      if (errors.length > 0) await writer.add(SUMMARY_ERRORS_FILE, `${errors.join('\n')}\n`);
      await writer.close();
      return { errors };
    } catch (err) {
      await onAbort();
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      await aborting;
    }
  };
}
