// Samples to Prometheus text: names, help and types from the declarations, summaries with quantile labels, and
// clear errors for what would make an invalid exposition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderExposition } from '../../collectors/prometheus/exposition.ts';
import type { MetricDeclaration } from '../../collectors/metric.ts';

const FINISHED: MetricDeclaration = {
  snapshotKey: 'master/tasks_finished',
  dottedName: 'mesos.cluster.tasks_finished',
  prometheusName: 'mesos_cluster_tasks_finished_total',
  type: 'counter',
  help: 'Number of finished tasks.',
};
const SHARE: MetricDeclaration = { prometheusName: 'mesos_allocator_dominant_share', type: 'gauge', help: 'Dominant share "of" a role\\.', labelNames: ['role'] };
const RUN: MetricDeclaration = { prometheusName: 'mesos_allocator_allocation_run_seconds', type: 'summary', help: 'Allocation run time.' };

test('gauges, counters and summaries render with their help and type', async () => {
  const text = await renderExposition([
    { metric: FINISHED, value: 12 },
    { metric: SHARE, labels: { role: 'web' }, value: 0.25 },
    { metric: SHARE, labels: { role: 'batch\n"x"' }, value: 0.5 },
    { metric: RUN, part: 'count', value: 1000 },
    { metric: RUN, labels: { quantile: '0.99' }, value: 0.0003 },
    { metric: RUN, labels: { quantile: '0.5' }, value: 0.00015 },
  ]);
  assert.equal(
    text,
    [
      '# HELP mesos_cluster_tasks_finished_total Number of finished tasks.',
      '# TYPE mesos_cluster_tasks_finished_total counter',
      'mesos_cluster_tasks_finished_total 12',
      '',
      '# HELP mesos_allocator_dominant_share Dominant share "of" a role\\\\.',
      '# TYPE mesos_allocator_dominant_share gauge',
      'mesos_allocator_dominant_share{role="web"} 0.25',
      'mesos_allocator_dominant_share{role="batch\\n\\"x\\""} 0.5',
      '',
      '# HELP mesos_allocator_allocation_run_seconds Allocation run time.',
      '# TYPE mesos_allocator_allocation_run_seconds summary',
      'mesos_allocator_allocation_run_seconds{quantile="0.5"} 0.00015',
      'mesos_allocator_allocation_run_seconds{quantile="0.99"} 0.0003',
      'mesos_allocator_allocation_run_seconds_count 1000',
      '',
    ].join('\n'),
  );
});

test('what would make an invalid exposition is a clear error', async () => {
  const counterWithoutTotal: MetricDeclaration = { prometheusName: 'mesos_cluster_tasks_failed', type: 'counter', help: 'x' };
  const gaugeWithTotal: MetricDeclaration = { prometheusName: 'mesos_stats_system_cpus_total', type: 'gauge', help: 'x' };
  const otherHelp: MetricDeclaration = { ...FINISHED, help: 'Something else.' };
  await assert.rejects(renderExposition([{ metric: counterWithoutTotal, value: 1 }]), /mesos_cluster_tasks_failed: a counter's name must end in _total/);
  await assert.rejects(renderExposition([{ metric: gaugeWithTotal, value: 1 }]), /mesos_stats_system_cpus_total: only a counter's name may end in _total/);
  await assert.rejects(renderExposition([{ metric: FINISHED, value: 1 }, { metric: otherHelp, value: 2 }]), /mesos_cluster_tasks_finished_total: declared twice, differently/);
  await assert.rejects(
    renderExposition([{ metric: SHARE, labels: { role: 'a' }, value: 1 }, { metric: SHARE, labels: { role: 'a' }, value: 2 }]),
    /mesos_allocator_dominant_share: series mesos_allocator_dominant_share\{"role":"a"\} given twice/,
  );
  await assert.rejects(renderExposition([{ metric: SHARE, value: 1 }]), /mesos_allocator_dominant_share: labels missing role/);
  await assert.rejects(renderExposition([{ metric: FINISHED, value: -1 }]), /a counter cannot be -1/);
  await assert.rejects(renderExposition([{ metric: { ...SHARE, prometheusName: 'bad-name' }, labels: { role: 'a' }, value: 1 }]), /"bad-name": not a valid Prometheus metric name/);
});

test('non-finite values are spelled as the text format spells them, and a series is one whatever its label order', async () => {
  const PAIR: MetricDeclaration = { prometheusName: 'minidc_pair', type: 'gauge', help: 'x', labelNames: ['a', 'b'] };
  const text = await renderExposition([
    { metric: PAIR, labels: { a: '1', b: 'nan' }, value: NaN },
    { metric: PAIR, labels: { a: '1', b: 'inf' }, value: Infinity },
    { metric: PAIR, labels: { a: '1', b: '-inf' }, value: -Infinity },
  ]);
  assert.deepEqual(text.split('\n').slice(2, 5), ['minidc_pair{a="1",b="nan"} NaN', 'minidc_pair{a="1",b="inf"} +Inf', 'minidc_pair{a="1",b="-inf"} -Inf']);
  await assert.rejects(
    renderExposition([{ metric: PAIR, labels: { a: '1', b: '2' }, value: 1 }, { metric: PAIR, labels: { b: '2', a: '1' }, value: 2 }]),
    /minidc_pair: series minidc_pair\{"b":"2","a":"1"\} given twice/,
  );
});
