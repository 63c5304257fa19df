/**
 * Deployments as GET /v2/deployments shows them. A deployment here is bookkeeping over the instance plan: it
 * names what changed (start, scale, restart, stop) and lasts until the app's plan is complete.
 */
export type DeploymentAction = 'StartApplication' | 'ScaleApplication' | 'RestartApplication' | 'StopApplication';

export interface Deployment {
  readonly id: string;
  /** The app version (or, for a stop, the time of the change) this deployment brings about. */
  readonly version: string;
  readonly appId: string;
  /** One action per step, in order; the last one is what is under way. */
  readonly steps: readonly DeploymentAction[];
  /** The app's spec JSON before this change (absent: the app did not exist), for DELETE /v2/deployments' rollback. */
  readonly previousSpec?: Record<string, unknown>;
}

export function deploymentJson(d: Deployment): Record<string, unknown> {
  const current = d.steps[d.steps.length - 1];
  return {
    id: d.id,
    version: d.version,
    affectedApps: [d.appId],
    affectedPods: [],
    steps: d.steps.map((action) => ({ actions: [{ action, app: d.appId }] })),
    currentActions: current === undefined ? [] : [{ action: current, app: d.appId, readinessCheckResults: [] }],
    currentStep: d.steps.length,
    totalSteps: d.steps.length,
  };
}

/** The steps Marathon plans for a change of one app. */
export function deploymentSteps(change: 'create' | 'scale' | 'restart' | 'delete'): DeploymentAction[] {
  switch (change) {
    case 'create':
      return ['StartApplication', 'ScaleApplication'];
    case 'scale':
      return ['ScaleApplication'];
    case 'restart':
      return ['RestartApplication'];
    case 'delete':
      return ['StopApplication'];
  }
}
