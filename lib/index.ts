/**
 * recurrent-attention: Recurrent Attention Networks (reservoirs of attention units trained by
 * one ridge regression) and the echo state network baseline, with native kernels.
 */
export { ESN, type ESNOptions } from './reservoirs/esn';
export {
  Reservoir,
  type RunOptions,
  type RunResult,
  type Selection,
  type TrainTarget,
  type AttentionWeights,
  type AttentionStats,
  type CommonOptions,
} from './reservoirs/reservoir';
export { Ridge, type AddRowsOptions, type RidgeOptions, type RidgeStatistics, type RowsLike } from './readout/ridge';
export { Random } from './random';
export { type Tensor3, type IndexMatrix, type TensorLike, tensor3, zeros3, sliceBatch, toTensor3 } from './tensor';
export { RanError, ErrorCodes, type ErrorCode } from './errors';
export { defaultThreads } from './threads';
export { buildInfo, memoryLimit, setMemoryLimit, type NativeBuildInfo } from './native';
export { AttentionReservoir, type AttentionReservoirOptions } from './reservoirs/attention';
export { type AttentionVariantOptions, type ReadoutState } from './reservoirs/units';
export {
  DecomposedReservoir,
  type DecomposedReservoirOptions,
  type PopulationConnectivity,
} from './reservoirs/decomposed';
export * as tasks from './tasks/index';
export { buildTask, TASK_NAMES, type StreamTask } from './tasks/index';
export { score } from './tasks/score';
export * as datasets from './datasets/index';
export { readNpy, writeNpy } from './io/npy';
export { readTaskFolder, writeTaskFolder } from './io/taskFolder';
export { type ArrayFitOptions } from './model/arguments';
export {
  Model,
  DEFAULT_RIDGES,
  type SequenceData,
  type TaskLike,
  type FitOptions,
  type FitReport,
  type Progress,
} from './model/model';
export { createReservoir, configOf, ARCHITECTURES, type Architecture, type ReservoirConfig } from './model/config';
export {
  saveModel,
  loadModel,
  encodeModel,
  decodeModel,
  MODEL_FILE_VERSION,
  type ModelFileHeader,
  type EncodeOptions,
} from './model/file';
export { sizeForBudget, parseBudget, BUDGETS, type BudgetName } from './model/budget';
export {
  SPACES,
  REGIMES,
  spaceFor,
  sample as sampleSpace,
  type Space,
  type Dimension,
  type Regime,
} from './search/space';
export { evaluateStream, type StreamOptions, type StreamCell } from './stream/evaluate';
export { PUBLISHED_RESULTS, PUBLISHED_SOURCE, bestPublished } from './stream/published';
export { cpuVariant } from './native';
