/**
 * A DashboardSpec as Grafana dashboard JSON, built with Grafana's Foundation SDK. Every panel and query names the
 * provisioned data source by uid (`minidc-prometheus`, dashboards/provisioning/), panels get stable ids and
 * queries stable refIds, so the generated JSON only changes when a spec does.
 */
import { DashboardBuilder, DashboardCursorSync, MappingType, QueryVariableBuilder, RowBuilder, VariableHide, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard, DataSourceRef, ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { BigValueColorMode, LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, TableCellDisplayMode, VisibilityMode, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { refIdOf, type DashboardSpec, type PanelQuery, type PanelSpec } from './panel-spec.ts';
import { ALL_VALUE, type TemplateVariable } from './template-variables.ts';

export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: 'minidc-prometheus' };

const PANEL_HEIGHT = 8;

function target(query: PanelQuery, index: number, instant: boolean): DataqueryBuilder {
  const builder = new DataqueryBuilder()
    .datasource(DATASOURCE)
    .refId(refIdOf(index))
    .expr(query.expr)
    .legendFormat(query.legend ?? '__auto');
  return instant ? builder.instant().format(PromQueryFormat.Table) : builder.range();
}

function valueMappings(spec: PanelSpec): ValueMapping[] {
  if (spec.valueText === undefined) return [];
  const options = Object.fromEntries(Object.entries(spec.valueText).map(([value, { text, color }], index) => [value, { text, color, index }]));
  return [{ type: MappingType.ValueToText, options }];
}

function panel(spec: PanelSpec, id: number): TimeseriesPanel | StatPanel | TablePanel {
  const common = <T extends TimeseriesPanel | StatPanel | TablePanel>(p: T): T => {
    p.id(id).title(spec.title).description(spec.description).datasource(DATASOURCE).span(spec.width ?? 8).height(PANEL_HEIGHT);
    if (spec.unit !== undefined) p.unit(spec.unit);
    const mappings = valueMappings(spec);
    if (mappings.length > 0) p.mappings(mappings);
    spec.queries.forEach((q, i) => p.withTarget(target(q, i, spec.kind === 'matrix')));
    return p;
  };
  switch (spec.kind) {
    case 'timeseries':
      return common(new TimeseriesPanel())
        .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([]))
        .showPoints(VisibilityMode.Never);
    case 'stat':
      return common(new StatPanel()).colorMode(BigValueColorMode.Value).reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
    case 'matrix': {
      const layout = spec.matrix;
      if (layout === undefined) throw new Error(`dashboards: matrix panel ${spec.title} has no rows/columns`);
      return common(new TablePanel())
        .cellOptions({ type: TableCellDisplayMode.ColorBackground })
        .withTransformation({ id: 'groupingToMatrix', options: { columnField: layout.columns, rowField: layout.rows, valueField: 'Value' } });
    }
  }
}

function variable(v: TemplateVariable): QueryVariableBuilder {
  return new QueryVariableBuilder(v.name)
    .label(v.label)
    .datasource(DATASOURCE)
    .query(`label_values(${v.source}, ${v.sourceLabel})`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(ALL_VALUE)
    .current({ selected: true, text: ['All'], value: ['$__all'] })
    .hide(v.hidden === true ? VariableHide.HideVariable : VariableHide.DontHide);
}

export function dashboardJson(spec: DashboardSpec): Dashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['minidc', 'dcos'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .refresh('30s');
  for (const v of spec.variables) builder.withVariable(variable(v));
  let id = 1;
  for (const row of spec.rows) {
    builder.withRow(new RowBuilder(row.title).id(id++));
    for (const p of row.panels) builder.withPanel(panel(p, id++));
  }
  const json = builder.build();
  // The SDK (0.0.21) gives every variable an interval variable's `auto`, `auto_min` and `auto_count`; Grafana's
  // dashboard schema has no such fields on a query variable, so they go.
  const list = (json.templating?.list ?? []).map(({ auto: _auto, auto_min: _min, auto_count: _count, ...rest }) => rest);
  return { ...json, templating: { list } };
}
