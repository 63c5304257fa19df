/**
 * Per-framework metrics under Mesos's keys `master/frameworks/<encoded name>/<id>/…`: scheduler calls and events by
 * type, offers sent/accepted/declined/rescinded, and tasks by state (active states as gauges, terminal as counters).
 */
import { isTerminal, TASK_STATES, type TaskState } from '../mesos/task-state.ts';
import { MetricKeys } from '../metrics/metric-keys.ts';
import { taskStateKeyPart } from '../metrics/task-state-keys.ts';

export type SchedulerCall = 'subscribe' | 'teardown' | 'accept' | 'decline' | 'revive' | 'kill' | 'reconcile' | 'suppress' | 'message';
export type SchedulerEvent = 'subscribed' | 'offers' | 'rescind' | 'update' | 'error' | 'message';
export type OfferOutcome = 'sent' | 'accepted' | 'declined' | 'rescinded';

const CALLS: readonly SchedulerCall[] = ['subscribe', 'teardown', 'accept', 'decline', 'revive', 'kill', 'reconcile', 'suppress', 'message'];
const EVENTS: readonly SchedulerEvent[] = ['subscribed', 'offers', 'rescind', 'update', 'error', 'message'];
const OFFERS: readonly OfferOutcome[] = ['sent', 'accepted', 'declined', 'rescinded'];

/** Every key a framework's metrics publish (`<name>` is the URI-encoded framework name). */
export const FRAMEWORK_METRICS = new MetricKeys('framework metrics', {
  templates: [
    'master/frameworks/<name>/<id>/subscribed',
    'master/frameworks/<name>/<id>/calls',
    'master/frameworks/<name>/<id>/calls/<call>',
    'master/frameworks/<name>/<id>/events',
    'master/frameworks/<name>/<id>/events/<event>',
    'master/frameworks/<name>/<id>/offers/<outcome>',
    'master/frameworks/<name>/<id>/tasks/<phase>/task_<state>',
    'master/frameworks/<name>/<id>/roles/<role>/suppressed',
  ],
});

export class FrameworkMetrics {
  private readonly calls = new Map<SchedulerCall, number>(CALLS.map((c) => [c, 0]));
  private readonly events = new Map<SchedulerEvent, number>(EVENTS.map((e) => [e, 0]));
  private readonly offers = new Map<OfferOutcome, number>(OFFERS.map((o) => [o, 0]));
  /** Every state: Mesos publishes each active state (TASK_UNKNOWN included) and each terminal one per framework. */
  private readonly tasks = new Map<TaskState, number>(TASK_STATES.map((s) => [s, 0]));

  call(type: SchedulerCall): void {
    this.calls.set(type, this.calls.get(type)! + 1);
  }
  event(type: SchedulerEvent): void {
    this.events.set(type, this.events.get(type)! + 1);
  }
  offer(outcome: OfferOutcome, n = 1): void {
    this.offers.set(outcome, this.offers.get(outcome)! + n);
  }
  taskTransition(from: TaskState | undefined, to: TaskState): void {
    // Terminal states count up; a task leaving an active state leaves its gauge.
    if (from !== undefined && !isTerminal(from)) this.tasks.set(from, this.tasks.get(from)! - 1);
    this.tasks.set(to, this.tasks.get(to)! + 1);
  }

  snapshot(out: Record<string, number>, name: string, id: string, subscribed: boolean, suppressedRoles: Iterable<string>): void {
    const w = FRAMEWORK_METRICS.writer(out);
    const fw = { name: encodeURIComponent(name), id };
    w.setTemplate('master/frameworks/<name>/<id>/subscribed', fw, subscribed ? 1 : 0);
    let calls = 0;
    for (const [call, n] of this.calls) {
      w.setTemplate('master/frameworks/<name>/<id>/calls/<call>', { ...fw, call }, n);
      calls += n;
    }
    w.setTemplate('master/frameworks/<name>/<id>/calls', fw, calls);
    let events = 0;
    for (const [event, n] of this.events) {
      w.setTemplate('master/frameworks/<name>/<id>/events/<event>', { ...fw, event }, n);
      events += n;
    }
    w.setTemplate('master/frameworks/<name>/<id>/events', fw, events);
    for (const [outcome, n] of this.offers) w.setTemplate('master/frameworks/<name>/<id>/offers/<outcome>', { ...fw, outcome }, n);
    for (const [state, n] of this.tasks)
      w.setTemplate(
        'master/frameworks/<name>/<id>/tasks/<phase>/task_<state>',
        { ...fw, phase: isTerminal(state) ? 'terminal' : 'active', state: taskStateKeyPart(state) },
        n,
      );
    for (const role of suppressedRoles) w.setTemplate('master/frameworks/<name>/<id>/roles/<role>/suppressed', { ...fw, role }, 1);
  }
}
