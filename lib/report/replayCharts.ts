/** Vega-Lite specs of the replayed model: predictions against targets, validation score against λ. */
import type { TopLevelSpec } from 'vega-lite';
import type { ReplayTrace } from './replay';
import { COLORS } from './vega';

const PREDICTED = COLORS['RAN-A'];
const TARGET = COLORS.published;

/**
 * Classification: the output of every class at the last prediction step, the target class in
 * colour; regression: targets and predictions of up to three outputs at the prediction steps.
 */
export function predictionChartSpec(r: ReplayTrace): TopLevelSpec {
  if (r.classes) {
    const { output, target } = r.classes;
    const values = output.map((v, k) => ({
      k: `class ${k}`,
      v,
      kind: k === target ? 'target class' : 'other classes',
    }));
    return {
      width: 420,
      height: 160,
      data: { values },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'k', type: 'nominal', sort: null, axis: { title: null, labelAngle: 0 } },
            y: { field: 'v', type: 'quantitative', axis: { title: 'readout output' } },
            color: {
              field: 'kind',
              type: 'nominal',
              scale: { domain: ['target class', 'other classes'], range: [PREDICTED, '#cbd2d9'] },
              legend: { orient: 'right', title: null },
            },
          },
        },
        {
          data: { values: [{ y: 1 }, { y: 0 }] },
          mark: { type: 'rule', color: TARGET, strokeDash: [4, 3] },
          encoding: { y: { field: 'y', type: 'quantitative' } },
        },
      ],
    };
  }
  const values = r.outputs.flatMap((o) =>
    r.steps.flatMap((t, i) => [
      { out: o.label, t, v: o.target[i]!, series: 'target' },
      { out: o.label, t, v: o.predicted[i]!, series: 'predicted' },
    ]),
  );
  const dense = r.steps.length > 40;
  return {
    data: { values },
    facet: {
      row: {
        field: 'out',
        type: 'nominal',
        header: { title: null, labelAngle: 0, labelAlign: 'left', labelOrient: 'left', labelPadding: 30 },
      },
    },
    spec: {
      width: 720,
      height: 90,
      mark: { type: 'line', point: !dense, strokeWidth: 1.4 },
      encoding: {
        x: {
          field: 't',
          type: 'quantitative',
          scale: { nice: false, zero: false },
          axis: { title: 'time step (prediction steps)', format: 'd', tickMinStep: 1 },
        },
        y: { field: 'v', type: 'quantitative', scale: { zero: false }, axis: { title: null, tickCount: 4 } },
        color: {
          field: 'series',
          type: 'nominal',
          scale: { domain: ['target', 'predicted'], range: [TARGET, PREDICTED] },
          legend: { orient: 'right', title: null },
        },
        strokeDash: {
          field: 'series',
          type: 'nominal',
          scale: {
            domain: ['target', 'predicted'],
            range: [
              [4, 3],
              [1, 0],
            ],
          },
          legend: null,
        },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Validation score against λ (log scale), the kept λ marked. */
export function ridgeChartSpec(r: ReplayTrace): TopLevelSpec {
  const values = r.validation.filter((v) => Number.isFinite(v.score)).map((v) => ({ ridge: v.ridge, score: v.score }));
  return {
    width: 420,
    height: 160,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true, color: PREDICTED },
        encoding: {
          x: {
            field: 'ridge',
            type: 'quantitative',
            scale: { type: 'log' },
            axis: { title: 'λ (ridge)', format: '.0e', grid: false },
          },
          y: {
            field: 'score',
            type: 'quantitative',
            scale: { zero: false },
            axis: { title: `validation ${r.classification ? 'error rate' : 'MSE'}` },
          },
        },
      },
      {
        data: { values: [{ ridge: r.ridge }] },
        mark: { type: 'rule', color: TARGET, strokeDash: [4, 3] },
        encoding: { x: { field: 'ridge', type: 'quantitative' } },
      },
    ],
  };
}
