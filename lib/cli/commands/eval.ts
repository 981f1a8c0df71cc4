/** `ran eval`: the STREAM protocol on a task read from a folder of .npy files. */
import type { Command } from '../command';
import { EVALUATION_HELP, runEvaluation } from '../evaluation';

export const evalCommand: Command = {
  name: 'eval',
  usage: 'ran eval --data DIR [options]',
  summary: 'the same on a task read from a folder of .npy files',
  help: `Usage: ran eval --data DIR [options]

Evaluates each model on one task read from a folder: X_train.npy, Y_train.npy, T_train.npy,
the same for valid and test, and meta.json (see writeTaskFolder in the README).

Options:
  --data DIR              the task folder (required)
${EVALUATION_HELP}`,
  run: (argv) => runEvaluation(argv, 'eval'),
};
