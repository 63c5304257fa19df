/**
 * Dominant Resource Fairness sorter with Mesos's semantics.
 *
 * Clients are paths (`a/b/c`) kept as a tree; siblings are ordered by dominant share (max over resource kinds of
 * allocated/total, then divided by the node's weight), ties broken by how many allocations the node ever received,
 * then by path. `sort()` yields active leaves in pre-order.
 *
 * Keeping order incrementally is what makes large clusters cheap: an allocation only moves the touched nodes within
 * their siblings (binary search + splice), while changes of the total or of weights mark the tree for one full
 * re-sort on the next read, as Mesos does.
 */
import type { Quantities } from '../mesos/resources.ts';

type NodeKind = 'internal' | 'active' | 'inactive';

/** A client that is also a parent keeps its own allocation in a virtual child leaf of this name. */
const VIRTUAL = '.';

class SorterNode {
  kind: NodeKind;
  readonly children: SorterNode[] = [];
  readonly allocation: Quantities = new Map();
  /** Number of `allocated()` calls that touched this node; never reset, it is Mesos's tie-breaker. */
  count = 0;
  share = 0;

  constructor(
    readonly name: string,
    readonly path: string,
    public parent: SorterNode | undefined,
    kind: NodeKind,
  ) {
    this.kind = kind;
  }

  /** The client this leaf stands for (a virtual leaf stands for its parent). */
  get clientPath(): string {
    return this.name === VIRTUAL ? this.parent!.path : this.path;
  }

  get isLeaf(): boolean {
    return this.kind !== 'internal';
  }
}

/** Mesos's compareDRF plus its rule that inactive leaves sit after everything else among siblings. */
function before(a: SorterNode, b: SorterNode): boolean {
  const ai = a.kind === 'inactive';
  const bi = b.kind === 'inactive';
  if (ai !== bi) return bi;
  if (a.share !== b.share) return a.share < b.share;
  if (a.count !== b.count) return a.count < b.count;
  return a.path < b.path;
}

export interface DrfSorterOptions {
  /** Resource names left out of share computation (Mesos's --fair_sharing_excluded_resource_names). */
  fairnessExcludedResourceNames?: readonly string[];
}

export class DrfSorter {
  private readonly root = new SorterNode('', '', undefined, 'internal');
  private readonly clients = new Map<string, SorterNode>();
  private readonly weights = new Map<string, number>();
  private readonly total: Quantities = new Map();
  /** Resource names taking part in shares: present in the total and not excluded. */
  private shareNames: string[] = [];
  private readonly excluded: ReadonlySet<string>;
  private dirty = false;

  constructor(options: DrfSorterOptions = {}) {
    this.excluded = new Set(options.fairnessExcludedResourceNames ?? []);
  }

  contains(client: string): boolean {
    return this.clients.has(client);
  }

  get count(): number {
    return this.clients.size;
  }

  /** Adds an inactive client, creating internal nodes along its path (Mesos adds clients inactive). */
  add(client: string): void {
    if (this.clients.has(client)) throw new Error(`sorter already has client '${client}'`);
    let parent = this.root;
    const parts = client.split('/');
    for (let i = 0; i < parts.length - 1; i++) {
      const name = parts[i]!;
      let child = parent.children.find((c) => c.name === name);
      if (!child) {
        child = new SorterNode(name, parent === this.root ? name : `${parent.path}/${name}`, parent, 'internal');
        parent.children.push(child);
      } else if (child.isLeaf) {
        child = this.convertToInternal(child);
      }
      parent = child;
    }
    const name = parts[parts.length - 1]!;
    const existing = parent.children.find((c) => c.name === name);
    let leaf: SorterNode;
    if (existing) {
      // An internal node becomes a client too: its own allocation lives in a virtual leaf.
      leaf = new SorterNode(VIRTUAL, `${existing.path}/${VIRTUAL}`, existing, 'inactive');
      existing.children.push(leaf);
    } else {
      leaf = new SorterNode(name, client, parent, 'inactive');
      parent.children.push(leaf);
    }
    this.clients.set(client, leaf);
    this.dirty = true;
  }

  /** Turns a leaf into an internal node whose former self is the virtual child, keeping its allocation. */
  private convertToInternal(leaf: SorterNode): SorterNode {
    const internal = new SorterNode(leaf.name, leaf.path, leaf.parent, 'internal');
    internal.count = leaf.count;
    for (const [n, m] of leaf.allocation) internal.allocation.set(n, m);
    const virtual = new SorterNode(VIRTUAL, `${leaf.path}/${VIRTUAL}`, internal, leaf.kind);
    virtual.count = leaf.count;
    for (const [n, m] of leaf.allocation) virtual.allocation.set(n, m);
    internal.children.push(virtual);
    const siblings = leaf.parent!.children;
    siblings[siblings.indexOf(leaf)] = internal;
    this.clients.set(leaf.clientPath, virtual);
    return internal;
  }

  remove(client: string): void {
    const leaf = this.find(client);
    this.clients.delete(client);
    let node: SorterNode = leaf;
    // Remove the leaf's allocation from its ancestors so their shares stay right.
    for (let p = leaf.parent; p && p !== this.root; p = p.parent) {
      for (const [n, m] of leaf.allocation) {
        const v = (p.allocation.get(n) ?? 0) - m;
        if (v > 0) p.allocation.set(n, v);
        else p.allocation.delete(n);
      }
    }
    // Drop the leaf and any internal ancestors left without children.
    while (node !== this.root) {
      const parent = node.parent!;
      parent.children.splice(parent.children.indexOf(node), 1);
      if (parent === this.root || parent.children.length > 0) break;
      node = parent;
    }
    // A parent left with only its virtual leaf turns back into an ordinary leaf.
    const parent = node.parent;
    if (parent && parent !== this.root && parent.children.length === 1 && parent.children[0]!.name === VIRTUAL) {
      const virtual = parent.children[0]!;
      const restored = new SorterNode(parent.name, parent.path, parent.parent, virtual.kind);
      restored.count = virtual.count;
      for (const [n, m] of virtual.allocation) restored.allocation.set(n, m);
      const siblings = parent.parent!.children;
      siblings[siblings.indexOf(parent)] = restored;
      this.clients.set(restored.path, restored);
    }
    this.dirty = true;
  }

  activate(client: string): void {
    const leaf = this.find(client);
    if (leaf.kind !== 'active') {
      leaf.kind = 'active';
      this.dirty = true;
    }
  }

  deactivate(client: string): void {
    const leaf = this.find(client);
    if (leaf.kind !== 'inactive') {
      leaf.kind = 'inactive';
      this.dirty = true;
    }
  }

  isActive(client: string): boolean {
    return this.find(client).kind === 'active';
  }

  updateWeight(path: string, weight: number): void {
    if (!(weight > 0) || !Number.isFinite(weight)) throw new Error(`weight for '${path}' must be a positive number`);
    this.weights.set(path, weight);
    this.dirty = true;
  }

  weight(path: string): number {
    return this.weights.get(path) ?? 1;
  }

  /** Adds to the pool the shares are computed against (an agent's total joining). */
  addTotal(quantities: ReadonlyMap<string, number>): void {
    for (const [n, m] of quantities) this.total.set(n, (this.total.get(n) ?? 0) + m);
    this.refreshShareNames();
  }

  removeTotal(quantities: ReadonlyMap<string, number>): void {
    for (const [n, m] of quantities) {
      const v = (this.total.get(n) ?? 0) - m;
      if (v > 0) this.total.set(n, v);
      else this.total.delete(n);
    }
    this.refreshShareNames();
  }

  totalQuantities(): ReadonlyMap<string, number> {
    return this.total;
  }

  private refreshShareNames(): void {
    this.shareNames = [...this.total.keys()].filter((n) => !this.excluded.has(n));
    this.dirty = true;
  }

  /** Records resources allocated to a client; keeps the order incrementally unless a full re-sort is pending. */
  allocated(client: string, quantities: ReadonlyMap<string, number>): void {
    this.change(client, quantities, 1);
  }

  /** Records resources returned by a client. */
  unallocated(client: string, quantities: ReadonlyMap<string, number>): void {
    this.change(client, quantities, -1);
  }

  private change(client: string, quantities: ReadonlyMap<string, number>, sign: 1 | -1): void {
    const leaf = this.find(client);
    for (let node: SorterNode | undefined = leaf; node && node !== this.root; node = node.parent) {
      // Find the node by its current (old) sort key before the key changes.
      const from = this.dirty ? -1 : this.indexOf(node);
      if (sign > 0) node.count++;
      for (const [n, m] of quantities) {
        const v = (node.allocation.get(n) ?? 0) + sign * m;
        if (v > 0) node.allocation.set(n, v);
        else node.allocation.delete(n);
      }
      if (from >= 0) this.reposition(node, from);
    }
  }

  /** Scalar quantities currently allocated to a client (or, for an internal path, to its subtree). */
  allocation(client: string): ReadonlyMap<string, number> {
    return this.find(client).allocation;
  }

  /** The sum allocated to all top-level nodes. */
  allocationQuantities(): Quantities {
    const out: Quantities = new Map();
    for (const c of this.root.children) for (const [n, m] of c.allocation) out.set(n, (out.get(n) ?? 0) + m);
    return out;
  }

  /** The client's dominant share, already divided by its weight (the value of Mesos's shares/dominant metric). */
  share(client: string): number {
    return this.computeShare(this.find(client));
  }

  /** Active clients, lowest share first. */
  sort(): string[] {
    const out: string[] = [];
    this.forEachActive((c) => {
      out.push(c);
      return true;
    });
    return out;
  }

  /**
   * Walks active clients in sort order without building a list; stops when `visit` returns false.
   * The caller must not change the sorter while walking.
   */
  forEachActive(visit: (client: string) => boolean): void {
    if (this.dirty) this.resortAll();
    this.walk(this.root, visit);
  }

  private walk(node: SorterNode, visit: (client: string) => boolean): boolean {
    for (const child of node.children) {
      if (child.kind === 'inactive') break; // inactive leaves are kept last
      if (child.kind === 'active') {
        if (!visit(child.clientPath)) return false;
      } else if (!this.walk(child, visit)) {
        return false;
      }
    }
    return true;
  }

  private find(client: string): SorterNode {
    const node = this.clients.get(client);
    if (!node) throw new Error(`sorter has no client '${client}'`);
    return node;
  }

  private computeShare(node: SorterNode): number {
    let share = 0;
    for (const name of this.shareNames) {
      const total = this.total.get(name)!;
      const allocated = node.allocation.get(name);
      if (allocated === undefined) continue;
      // Divide the decimal values (not the thousandths) so the doubles match Mesos's exactly.
      const s = allocated / 1000 / (total / 1000);
      if (s > share) share = s;
    }
    // Weight is applied after the max, as Mesos does; some ties depend on this order of operations.
    return share / this.weight(node.path);
  }

  private resortAll(): void {
    const visit = (node: SorterNode): void => {
      for (const child of node.children) {
        child.share = this.computeShare(child);
        if (!child.isLeaf) visit(child);
      }
      node.children.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    };
    visit(this.root);
    this.dirty = false;
  }

  /** Position of a node among its siblings, by binary search on its cached sort key. */
  private indexOf(node: SorterNode): number {
    const siblings = node.parent!.children;
    const i = lowerBound(siblings, node);
    return siblings[i] === node ? i : siblings.indexOf(node);
  }

  /** Moves a node from index `from` to its place among its siblings after its share or count changed. */
  private reposition(node: SorterNode, from: number): void {
    node.share = this.computeShare(node);
    const siblings = node.parent!.children;
    // splice moves elements natively; a node often travels the whole list after an allocation.
    siblings.splice(from, 1);
    siblings.splice(lowerBound(siblings, node), 0, node);
  }
}

/** First index whose node does not sort before `node`. */
function lowerBound(siblings: readonly SorterNode[], node: SorterNode): number {
  let lo = 0;
  let hi = siblings.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(siblings[mid]!, node)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
