/**
 * The gantry command line. Commands register themselves from one list; only this file
 * decides exit codes and how errors are printed: a CliError as a message and a hint,
 * anything else as a bug, with the stack under --verbose.
 */
import { Command, CommanderError } from 'commander';
import { SpecProblems } from '../spec/spec-problems.ts';
import type { GantryCommand } from './command.ts';
import { abortCommand } from './commands/abort/command.ts';
import { applyCommand } from './commands/apply/command.ts';
import { autoscaleCommand } from './commands/autoscale/command.ts';
import { ciCommand } from './commands/ci/command.ts';
import { controllerCommand } from './commands/controller/command.ts';
import { costCommand } from './commands/cost/command.ts';
import { daemonCommand } from './commands/daemon/command.ts';
import { deleteCommand } from './commands/delete/command.ts';
import { deployCommand } from './commands/deploy/command.ts';
import { dockerfileCommand } from './commands/dockerfile/command.ts';
import { downCommand } from './commands/down/command.ts';
import { historyCommand } from './commands/history/command.ts';
import { infraCommand } from './commands/infra/command.ts';
import { initCommand } from './commands/init/command.ts';
import { lintCommand } from './commands/lint/command.ts';
import { logsCommand } from './commands/logs/command.ts';
import { portForwardCommand } from './commands/port-forward/command.ts';
import { promoteCommand } from './commands/promote/command.ts';
import { renderCommand } from './commands/render/command.ts';
import { restartCommand } from './commands/restart/command.ts';
import { rollbackCommand } from './commands/rollback/command.ts';
import { rolloutCommand } from './commands/rollout/command.ts';
import { scaleCommand } from './commands/scale/command.ts';
import { schemaCommand } from './commands/schema/command.ts';
import { simulateCommand } from './commands/simulate/command.ts';
import { statusCommand } from './commands/status/command.ts';
import { upCommand } from './commands/up/command.ts';
import { validateCommand } from './commands/validate/command.ts';
import { CliError, EXIT } from './errors.ts';
import { problemsError } from './report.ts';
import { style } from './style.ts';
import { chooseWhere } from './target.ts';
import { VERSION } from './version.ts';

const COMMANDS: GantryCommand[] = [
  initCommand,
  validateCommand,
  schemaCommand,
  renderCommand,
  dockerfileCommand,
  applyCommand,
  lintCommand,
  autoscaleCommand,
  costCommand,
  infraCommand,
  ciCommand,
  simulateCommand,
  upCommand,
  downCommand,
  statusCommand,
  logsCommand,
  scaleCommand,
  restartCommand,
  portForwardCommand,
  deleteCommand,
  deployCommand,
  rolloutCommand,
  promoteCommand,
  abortCommand,
  rollbackCommand,
  historyCommand,
  controllerCommand,
  daemonCommand,
];

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const run = async (work: () => Promise<number> | number) => {
    exitCode = await work();
  };

  const program = new Command('gantry')
    .description(
      'Deploy and scale services from one gantry.yaml: run locally, release safely, render Kubernetes.',
    )
    .version(VERSION, '-V, --version')
    .option('--verbose', 'show stack traces for unexpected errors')
    .option('--no-color', 'plain output without colours')
    .showHelpAfterError('(run with --help for usage)')
    // Options before a command belong to gantry, after it to the command (deploy has its own --version).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(style.red(text, process.stderr)) })
    .hook('preAction', (command, action) => {
      if (command.opts().color === false) process.env.NO_COLOR = '1';
      chooseWhere(action);
    });
  for (const command of COMMANDS) command.register(program, run);
  for (const command of program.commands) command.exitOverride();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return report(error, argv.includes('--verbose'));
  }
}

function report(error: unknown, verbose: boolean): number {
  if (error instanceof CommanderError) {
    // Help and --version end parsing with an "error" too; they are successes.
    if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code))
      return EXIT.ok;
    return EXIT.usage;
  }
  // A spec with errors found outside a command's own loading (the daemon's): shown as validate shows them.
  if (error instanceof SpecProblems)
    return report(problemsError(error.problems, error.text, error.file, 'nothing done'), verbose);
  if (error instanceof CliError) {
    process.stderr.write(`${style.red('error', process.stderr)}: ${error.message}\n`);
    if (error.hint) process.stderr.write(`  ${style.dim('hint:', process.stderr)} ${error.hint}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`gantry: unexpected error (this is a bug, please report it): ${message}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('  run again with --verbose to see the stack trace\n');
  return EXIT.failed;
}
