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
import { bench } from './commands/bench';
import { evalCommand } from './commands/eval';
import { fit } from './commands/fit';
import { inspect } from './commands/inspect';
import { merge } from './commands/merge';
import { predict } from './commands/predict';
import { search } from './commands/search';
import { stream } from './commands/stream';

/** The commands, in the order `ran --help` lists them. */
const COMMANDS: readonly Command[] = [stream, evalCommand, fit, predict, inspect, search, merge, bench];

function version(): string {
  return (require('../../package.json') as { version: string }).version;
}

function help(): string {
  const lines = COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`);
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
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(`${topic ? topic.help : help()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
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
