/**
 * Which master leads, for the components that follow it (agents register with it, Marathon subscribes to it), and
 * the relay of its change notifications (Mesos-DNS and the VIP layers re-read the state on a task or agent change).
 * The embedded cluster's stand-in for ZooKeeper's leader election.
 */
import { MasterError, type Master } from '../master/master.ts';

/** `reelected`: a master was elected before, so followers that stayed up must re-register. */
export type ElectionListener = (master: Master, reelected: boolean) => void;

export class MasterLeader {
  private leading: Master | undefined;
  private elections = 0;
  private readonly electionListeners: ElectionListener[] = [];
  private readonly changeListeners: (() => void)[] = [];

  /** The elected master, undefined while none is. */
  get current(): Master | undefined {
    return this.leading;
  }

  /** The running leader, or a MasterError for followers to retry on. */
  require(): Master {
    const master = this.leading;
    if (!master?.isRunning) throw new MasterError('no master is elected');
    return master;
  }

  elect(master: Master): void {
    this.leading = master;
    master.onChange(() => {
      for (const l of this.changeListeners) l();
    });
    const reelected = this.elections++ > 0;
    for (const l of this.electionListeners) l(master, reelected);
  }

  resign(): Master | undefined {
    const master = this.leading;
    this.leading = undefined;
    return master;
  }

  onElected(listener: ElectionListener): void {
    this.electionListeners.push(listener);
  }

  /** Called on every task or agent change the leading master reports. */
  onClusterChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }
}
