/** `ran inspect`: the header of a model file. */
import { readModelHeader } from '../../model/file';
import { checkInputFile, parseCommand, type Command } from '../command';

async function run(argv: string[]): Promise<number> {
  const { positionals } = parseCommand(argv, {}, 1);
  const file = checkInputFile('the model file (ran inspect MODEL.ran)', positionals[0]);
  const { version, header } = await readModelHeader(file);
  process.stdout.write(`${JSON.stringify({ file, formatVersion: version, ...header }, null, 2)}\n`);
  return 0;
}

export const inspect: Command = {
  name: 'inspect',
  usage: 'ran inspect MODEL.ran',
  summary: 'the header of a model file',
  help: `Usage: ran inspect MODEL.ran

Prints the model file's header as JSON: the format version, the library version and date that
wrote it, the architecture with every option (seed included), the readout's shape and λ, and
the payload's arrays. The file is checked (checksum included); the weights are not loaded.`,
  run,
};
