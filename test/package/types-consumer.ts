// Compiled with `tsc --noEmit -p test/package` by scripts/pack-test.sh inside a folder where
// the packed tarball is installed: checks the published .d.ts files as a CommonJS consumer
// sees them (the `require` condition of the exports map). Not compiled from the repository
// (excluded in tsconfig.json): 'recurrent-attention' resolves only to the installed package.
import {
  ESN,
  Model,
  RanError,
  ErrorCodes,
  datasets,
  tasks,
  type ESNOptions,
  type ErrorCode,
  type FitReport,
  type Tensor3,
} from 'recurrent-attention';
import ran = require('recurrent-attention');

const options: ESNOptions = { inputDim: 1, units: 20 };
const esn: ESN = new ESN(options);
const model = new Model({ kind: 'esn', options: { inputDim: 1, units: 20 } });
const code: ErrorCode = ErrorCodes.NATIVE_LOAD;
const isRan = (e: unknown): boolean => e instanceof RanError && e.code === code;
const sameClass: typeof ESN = ran.ESN;
let report: FitReport | undefined;
let t: Tensor3 | undefined;
void [esn, model, isRan, sameClass, report, t, datasets, tasks];

// Plain data in, as a ReservoirPy user writes it: nested arrays, fit(X, Y, { washout }).
const X: number[][] = [[0.1], [0.2], [0.3]];
const Y: number[][] = [[0.2], [0.3], [0.4]];
const fitted: Promise<FitReport> = model.fit(X, Y, { washout: 1, ridges: [1e-6] });
const predicted: Promise<Tensor3> = model.predict({ data: new Float64Array(3), shape: [3, 1] });
const pair: { x: Tensor3; y: Tensor3 } = datasets.mackeyGlass({ length: 10 });
void [fitted, predicted, pair];

// @ts-expect-error: the exports map hides deep imports
import('recurrent-attention/dist/native');
