#!/usr/bin/env node
/**
 * `ran`: the command-line interface. Each command is a module of lib/cli/commands/ exporting a
 * {@link Command}; this file only dispatches and prints the overall help.
 */
// First: `ran eval` / `ran stream` start their search workers now, so that the workers load
// the library while this thread loads the rest of the CLI and reads the task.
import { prestartForCommand } from '../search/prestart';
prestartForCommand(process.argv.slice(2));
import { UsageError, type Command } from './command';

/**
 * The commands by name, in the order `ran --help` lists them. A command's module (and the
 * library it needs) is loaded only when that command runs or the overall help is printed:
 * `ran eval` does not load what `ran fit` or `ran merge` need.
 */
const COMMANDS: Readonly<Record<string, () => Command>> = {
  stream: () => (require('./commands/stream') as typeof import('./commands/stream')).stream,
  eval: () => (require('./commands/eval') as typeof import('./commands/eval')).evalCommand,
  fit: () => (require('./commands/fit') as typeof import('./commands/fit')).fit,
  predict: () => (require('./commands/predict') as typeof import('./commands/predict')).predict,
  inspect: () => (require('./commands/inspect') as typeof import('./commands/inspect')).inspect,
  search: () => (require('./commands/search') as typeof import('./commands/search')).search,
  merge: () => (require('./commands/merge') as typeof import('./commands/merge')).merge,
  bench: () => (require('./commands/bench') as typeof import('./commands/bench')).bench,
};
const NAMES = Object.keys(COMMANDS);

/** The command called `name`, or undefined. */
function commandNamed(name: string | undefined): Command | undefined {
  return name !== undefined && Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name]!() : undefined;
}

function version(): string {
  return (require('../../package.json') as { version: string }).version;
}

function help(): string {
  const lines = NAMES.map((n) => COMMANDS[n]!()).map((c) => `  ${c.usage}\n      ${c.summary}`);
  return `ran — Recurrent Attention Networks (reservoir computing with attention units)

Usage:
${lines.join('\n')}
  ran --help | --version

\`ran <command> --help\` describes a command and its options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commandNamed(rest[0]) : undefined;
    process.stdout.write(`${topic ? topic.help : help()}\n`);
    return 0;
  }
  const command = commandNamed(name);
  if (!command) throw new UsageError(`unknown command "${name}"; commands: ${NAMES.join(', ')}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) e.message = `${name}: ${e.message}\n(see \`ran ${name} --help\`)`;
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`ran ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    const err = e as { code?: string; message?: string };
    process.stderr.write(`ran: ${err.code ? `${err.code}: ` : ''}${err.message ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
