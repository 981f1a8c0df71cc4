import { ARCHITECTURES, architecture, isArchitecture, stateSizeOf } from '../../lib/architectures/index';
import { createReservoir, configOf, type ReservoirConfig } from '../../lib/model/config';
import { sizeForBudget } from '../../lib/model/budget';
import { sample, spaceFor } from '../../lib/search/space';
import { modelLabel } from '../../lib/report/sample';
import { Random } from '../../lib/random';
import { throwsCode } from '../helpers';

const SMALL: Record<string, Record<string, number>> = {
  esn: { units: 12 },
  'ran-a': { units: 3, width: 4, context: 2 },
  'ran-c': { attentionUnits: 2, memoryUnits: 3, width: 4, slots: 5, context: 2 },
};

describe('the registry of architectures', () => {
  test('esn, ran-a, ran-c in this order (searches seed their draws with the index)', () => {
    expect(ARCHITECTURES).toEqual(['esn', 'ran-a', 'ran-c']);
    for (const a of ARCHITECTURES) expect(architecture(a).name).toBe(a);
  });

  test('an unknown architecture is an ERR_RAN_INVALID_ARG naming the known ones, wherever it enters', () => {
    expect(isArchitecture('lstm')).toBe(false);
    expect(isArchitecture('toString')).toBe(false);
    const known = /must be one of esn, ran-a, ran-c, got "lstm"/;
    expect(() => architecture('lstm')).toThrow(known);
    throwsCode(() => architecture('lstm'), 'ERR_RAN_INVALID_ARG');
    expect(() => createReservoir({ kind: 'lstm', options: { inputDim: 1 } } as unknown as ReservoirConfig)).toThrow(
      /`config.kind` must be one of esn, ran-a, ran-c/,
    );
    expect(() => sizeForBudget('lstm' as never, 1000, 1, 1)).toThrow(known);
    expect(() => spaceFor('lstm' as never)).toThrow(/`architecture` must be one of esn, ran-a, ran-c/);
    expect(() => modelLabel('lstm')).toThrow(/`model` must be one of esn, ran-a, ran-c/);
  });

  test.each(ARCHITECTURES.map((a) => [a]))('%s: the populations it declares are the reservoir it builds', (name) => {
    const arch = architecture(name);
    for (const inputDim of [1, 3]) {
      const options = { inputDim, seed: 5, ...SMALL[name] };
      const reservoir = createReservoir({ kind: name, options });
      try {
        const declared = arch.populations(arch.normalize(options));
        expect(stateSizeOf(declared)).toBe(reservoir.stateSize);
        expect(declared.map((p) => [p.kind, p.units, p.width])).toEqual(
          reservoir.describe().populations.map((p) => [p.kind, p.units, p.width]),
        );
        expect(configOf(reservoir)).toEqual({ kind: name, options: arch.normalize(options) });
        expect(modelLabel(name)).toBe(name.toUpperCase());
      } finally {
        reservoir.dispose();
      }
    }
  });

  test.each(ARCHITECTURES.map((a) => [a]))(
    '%s: budget sizing gives the largest reservoir that fits, and the smallest is refused below',
    (name) => {
      const arch = architecture(name);
      const width = 4;
      for (const states of [arch.smallestState(width), arch.smallestState(width) + 5, 37]) {
        const size = arch.sizeFor(states, width)!;
        expect(size.states).toBeLessThanOrEqual(states);
        // the unit width applies to architectures that have the option (not the ESN's scalar units)
        const hasWidth = 'width' in arch.normalize({ inputDim: 2, ...size.options });
        const options = arch.normalize({ inputDim: 2, ...(hasWidth ? { width } : {}), ...size.options });
        const populations = arch.populations(options);
        expect(stateSizeOf(populations)).toBe(size.states);
        // one more unit would not fit
        expect(size.states + populations[populations.length - 1]!.width).toBeGreaterThan(states);
      }
      expect(arch.sizeFor(arch.smallestState(width) - 1, width)).toBeUndefined();
    },
  );

  test.each(ARCHITECTURES.map((a) => [a]))('%s: every point of its search space is a valid set of options', (name) => {
    const arch = architecture(name);
    const rng = new Random(11);
    for (let i = 0; i < 20; i++) {
      const point = sample(spaceFor(name), rng);
      expect(() => arch.normalize({ inputDim: 2, ...point })).not.toThrow();
    }
  });
});
