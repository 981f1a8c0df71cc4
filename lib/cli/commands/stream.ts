/** `ran stream`: the STREAM benchmark on generated tasks. */
import type { Command } from '../command';
import { EVALUATION_HELP, runEvaluation } from '../evaluation';

export const stream: Command = {
  name: 'stream',
  usage: 'ran stream [options]',
  summary: 'evaluate models on the STREAM benchmark (generated data)',
  help: `Usage: ran stream [options]

Evaluates each model on the STREAM tasks: per task, seed and model a seeded random search on
the validation split, then the test score of the best trial.

Options:
  --tasks all|a,b,...     STREAM tasks (default all 12)
  --difficulty small|medium|medium-v0.1.2|large  (default small)
${EVALUATION_HELP}`,
  run: (argv) => runEvaluation(argv, 'stream'),
};
