/**
 * Components: every unit's health on every node (dcos-diagnostics' per-unit node lists, one request per unit:
 * at 1,000 nodes the /report copies each node's output once per unit, tens of MB, while the lists are a few
 * dozen kB each), with a filter to the unhealthy nodes and a cell's output on click.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from './api.ts';
import type { HealthNode, HealthUnit } from './cluster-types.ts';
import { HealthMatrix, type CellPick } from './health-matrix.tsx';
import { updateMatrix, type Matrix } from './health-matrix-model.ts';
import { usePoll } from './poll.ts';
import { markReady, measureUpdate } from './ready-mark.ts';
import { PageFrame } from './page-frame.tsx';
import { UnitDetail } from './unit-detail.tsx';

interface MatrixData {
  matrix: Matrix;
  changedRows: number;
  /** performance.now() when the update's data was parsed: where an update's cost is measured from. */
  dataAt: number;
}

export function ComponentsPage() {
  const last = useRef<Matrix | undefined>(undefined);
  const load = useCallback(async (): Promise<MatrixData> => {
    const startedAt = performance.now();
    const { units } = await getJson<{ units: HealthUnit[] | null }>('/system/health/v1/units');
    const list = units ?? [];
    const perUnit = await Promise.all(list.map((u) => getJson<{ nodes: HealthNode[] | null }>(`/system/health/v1/units/${encodeURIComponent(u.id)}/nodes`)));
    const dataAt = performance.now();
    performance.measure('fetch:components', { start: startedAt, end: dataAt });
    const update = updateMatrix(last.current, list, perUnit.map((p) => p.nodes ?? []));
    last.current = update.matrix;
    return { ...update, dataAt };
  }, []);
  const polled = usePoll(load, []);
  const [onlyUnhealthy, setOnlyUnhealthy] = useState(false);
  const [pick, setPick] = useState<CellPick>();
  const data = polled.data;
  useEffect(() => {
    if (data === undefined) return;
    markReady('components');
    measureUpdate('components', data.dataAt);
  }, [data]);
  const rows = data === undefined ? [] : onlyUnhealthy ? data.matrix.rows.filter((r) => r.worst !== 0) : data.matrix.rows;
  const unhealthyNodes = data?.matrix.rows.filter((r) => r.worst !== 0).length ?? 0;
  return (
    <PageFrame id="components" title="Components" sources={[polled]} loaded={data !== undefined}>
      {data !== undefined && (
        <>
          <div class="toolbar">
            <p data-testid="matrix-summary">
              {data.matrix.units.length} units on {data.matrix.rows.length} nodes; {unhealthyNodes} node{unhealthyNodes === 1 ? '' : 's'} with unhealthy units.
            </p>
            <label>
              <input type="checkbox" checked={onlyUnhealthy} onChange={(e) => setOnlyUnhealthy((e.target as HTMLInputElement).checked)} /> only nodes with unhealthy units
            </label>
          </div>
          <HealthMatrix units={data.matrix.units} unitIds={data.matrix.unitIds} rows={rows} onPick={setPick} />
          {pick !== undefined && <UnitDetail ip={pick.ip} unit={pick.unit} onClose={() => setPick(undefined)} />}
        </>
      )}
    </PageFrame>
  );
}
