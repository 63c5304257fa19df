/**
 * GET /v2/groups: Marathon's group tree, derived from app ids (`/shop/web` is app `web` in group `/shop`). Groups
 * are read-only here: they exist because apps are in them, have no dependencies of their own and no pods.
 */
export interface GroupApp {
  readonly id: string;
  readonly version: string;
  readonly json: Record<string, unknown>;
}

export interface GroupJson {
  id: string;
  apps: Record<string, unknown>[];
  groups: GroupJson[];
  pods: never[];
  dependencies: string[];
  version: string;
}

/** The root group with every app in the group its id names; versions are the newest of what a group holds. */
export function groupTree(apps: readonly GroupApp[], now: string): GroupJson {
  const root = emptyGroup('/', '');
  const byId = new Map<string, GroupJson>([['/', root]]);
  const groupOf = (id: string): GroupJson => {
    const known = byId.get(id);
    if (known) return known;
    const group = emptyGroup(id, '');
    byId.set(id, group);
    groupOf(parentOf(id)).groups.push(group);
    return group;
  };
  for (const app of [...apps].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const group = groupOf(parentOf(app.id));
    group.apps.push(app.json);
    // A group changes when something in it does: its version is the newest app version below it.
    for (let id = parentOf(app.id); ; id = parentOf(id)) {
      const g = byId.get(id)!;
      if (g.version < app.version) g.version = app.version;
      if (id === '/') break;
    }
  }
  if (root.version === '') root.version = now;
  return root;
}

/** The group with the given id in the tree, if there is one. */
export function findGroup(root: GroupJson, id: string): GroupJson | undefined {
  if (root.id === id) return root;
  for (const g of root.groups) {
    if (id === g.id || id.startsWith(`${g.id}/`)) return findGroup(g, id);
  }
  return undefined;
}

function parentOf(id: string): string {
  const i = id.lastIndexOf('/');
  return i <= 0 ? '/' : id.slice(0, i);
}

function emptyGroup(id: string, version: string): GroupJson {
  // No `enforceRole`: it is optional in Marathon's group JSON, and the marathon Python client's model rejects it.
  return { id, apps: [], groups: [], pods: [], dependencies: [], version };
}
