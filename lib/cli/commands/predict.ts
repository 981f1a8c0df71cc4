/** `ran predict`: a saved model's outputs for inputs from a task folder or a .npy file. */
import { readNpy, toFloat32, writeNpy } from '../../io/npy';
import { readTaskFolder, SPLIT_NAMES } from '../../io/taskFolder';
import { loadModel } from '../../model/file';
import { toTensor3 } from '../../tensor';
import {
  checkInputFile,
  checkInputFolder,
  checkOutputPath,
  parseCommand,
  positive,
  usage,
  type Command,
} from '../command';

const OPTIONS = {
  data: { type: 'string' },
  split: { type: 'string' },
  x: { type: 'string' },
  out: { type: 'string' },
  threads: { type: 'string' },
  'batch-size': { type: 'string' },
} as const;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, 1);
  const modelFile = checkInputFile('the model file (ran predict MODEL.ran)', positionals[0]);
  if ((values.data === undefined) === (values.x === undefined)) usage('give either --data DIR or --x X.npy');
  if (values.out === undefined) usage('--out Y.npy is required');
  checkOutputPath('out', values.out);
  const split = values.split ?? 'test';
  if (!(SPLIT_NAMES as readonly string[]).includes(split))
    usage(`--split must be one of ${SPLIT_NAMES.join(', ')}, got "${split}"`);
  if (values.split !== undefined && values.data === undefined) usage('--split goes with --data');
  let x;
  let single = false;
  if (values.data !== undefined) {
    x = readTaskFolder(checkInputFolder('data', values.data))[split as (typeof SPLIT_NAMES)[number]].x;
  } else {
    const a = readNpy(checkInputFile('--x', values.x));
    if (a.shape.length !== 2 && a.shape.length !== 3)
      usage(`--x ${values.x}: expected an array [B, T, D] or [T, D], got shape [${a.shape.join(', ')}]`);
    single = a.shape.length === 2;
    x = toTensor3('--x', { data: toFloat32(a.data), shape: a.shape as [number, number] });
  }
  const model = await loadModel(modelFile);
  const threads = values.threads === undefined ? undefined : positive(values.threads, 1, 'threads');
  const y = await model.predict(x, { threads, batchSize: positive(values['batch-size'], 256, 'batch-size') });
  writeNpy(values.out, { data: y.data, shape: single ? [y.shape[1], y.shape[2]] : y.shape });
  process.stderr.write(`ran predict: ${values.out} [${(single ? y.shape.slice(1) : y.shape).join(', ')}] float32\n`);
  return 0;
}

export const predict: Command = {
  name: 'predict',
  usage: 'ran predict MODEL.ran (--data DIR | --x X.npy) --out Y.npy',
  summary: 'outputs of a saved model',
  help: `Usage: ran predict MODEL.ran (--data DIR [--split test] | --x X.npy) --out Y.npy [options]

Runs a model saved by \`ran fit\` or saveModel() and writes its outputs at every step as a
float32 .npy file: [B, T, outputs], or [T, outputs] when X.npy is one sequence [T, D].

Options:
  --data DIR              a task folder (X_<split>.npy, ...); the inputs of --split are used
  --split train|valid|test  (with --data; default test)
  --x X.npy               inputs [B, T, D] or [T, D], float32 or float64
  --out Y.npy             where to write the outputs (checked before anything runs)
  --threads N             native threads (default: RAN_THREADS or all cores)
  --batch-size N          sequences per native call (default 256)`,
  run,
};
