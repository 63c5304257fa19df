/**
 * The unit × node health matrix, virtualised: only the rows in view (and a few either side) are in the DOM, each a
 * memoised component that re-renders only when its row object changes (see health-matrix-model.ts). One click
 * handler on the table serves every cell; a cell is a button (keyboard, screen readers) whose symbol repeats its
 * colour.
 */
import { memo } from 'preact/compat';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { healthName, type HealthUnit } from './cluster-types.ts';
import { ABSENT, type MatrixRow } from './health-matrix-model.ts';

export const ROW_HEIGHT_PX = 28;
const OVERSCAN_ROWS = 8;
const SYMBOL: Record<number, string> = { 0: '✓', 1: '✗', 3: '?' };

/** `dcos-mesos-master.service` → `mesos-master`: column headers stay narrow; the full name is in the title. */
const shortName = (id: string) => id.replace(/^dcos-/, '').replace(/\.service$/, '');

export interface CellPick {
  ip: string;
  unit: string;
}

export function HealthMatrix({ units, unitIds, rows, onPick }: { units: readonly HealthUnit[]; unitIds: readonly string[]; rows: readonly MatrixRow[]; onPick(pick: CellPick): void }) {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  useLayoutEffect(() => {
    const el = box.current!;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    el.addEventListener('scroll', measure, { passive: true });
    const resize = new ResizeObserver(measure);
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', measure);
      resize.disconnect();
    };
  }, []);
  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT_PX) - OVERSCAN_ROWS);
  const last = Math.min(rows.length, Math.ceil((view.top + view.height) / ROW_HEIGHT_PX) + OVERSCAN_ROWS);
  const onClick = (event: MouseEvent) => {
    const cell = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-unit]');
    if (cell !== null) onPick({ ip: cell.dataset.ip!, unit: cell.dataset.unit! });
  };
  return (
    <div class="matrix-box" ref={box} tabIndex={-1}>
      <table class="matrix" onClick={onClick} aria-rowcount={rows.length + 1} data-testid="health-matrix">
        <thead>
          <tr>
            <th scope="col" class="node-col">
              node
            </th>
            {units.map((u) => (
              <th scope="col" key={u.id} title={`${u.id}: ${u.name}`} class={`unit-col h${u.health}`}>
                <span>{shortName(u.id)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {first > 0 && <tr class="spacer" style={{ height: `${first * ROW_HEIGHT_PX}px` }} aria-hidden="true" />}
          {rows.slice(first, last).map((row, i) => (
            <Row key={row.ip} row={row} unitIds={unitIds} index={first + i} />
          ))}
          {last < rows.length && <tr class="spacer" style={{ height: `${(rows.length - last) * ROW_HEIGHT_PX}px` }} aria-hidden="true" />}
        </tbody>
      </table>
    </div>
  );
}

/** Depends on the unit ids only, so a unit's worst health changing (its column header) leaves the rows alone. */
const Row = memo(function Row({ row, unitIds, index }: { row: MatrixRow; unitIds: readonly string[]; index: number }) {
  return (
    <tr aria-rowindex={index + 2} data-ip={row.ip}>
      <th scope="row" class={`node-col h${row.worst}`}>
        {row.ip} <span class="role">{row.role}</span>
      </th>
      {unitIds.map((id, i) => {
        const health = row.cells[i]!;
        if (health === ABSENT) return <td key={id} class="absent" />;
        return (
          <td key={id} class={`h${health}`}>
            <button type="button" data-ip={row.ip} data-unit={id} aria-label={`${id} on ${row.ip}: ${healthName(health)}`}>
              {SYMBOL[health] ?? String(health)}
            </button>
          </td>
        );
      })}
    </tr>
  );
});
