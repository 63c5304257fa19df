/**
 * A rendered document kept until the master changes: read endpoints that every dashboard, Mesos-DNS and VIP
 * poller hit in a loop are rendered once per change (on the first read after it) and the same bytes are served to
 * every reader until the next change. Under hundreds of concurrent readers this turns a render per request into a
 * buffer write per request.
 *
 * Correctness rests on `Master.version`, which the master bumps on every change these documents can show; the
 * cache is also keyed by the master instance, so a restarted (re-elected) master never serves its predecessor's.
 */
import type { Master } from '../master.ts';

export class VersionedRender {
  private master: Master | undefined;
  private version = -1;
  private rendered: Buffer | undefined;

  constructor(private readonly render: (master: Master) => Buffer) {}

  get(master: Master): Buffer {
    if (this.rendered === undefined || this.master !== master || this.version !== master.version) {
      // Read the version first: rendering is synchronous, so nothing can change between the two.
      this.version = master.version;
      this.master = master;
      this.rendered = this.render(master);
    }
    return this.rendered;
  }
}
