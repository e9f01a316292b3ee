/** The shape of a CLI command: commander declares it, `run` does the work and returns an exit code. */
import type { Command } from 'commander';

export interface GantryCommand {
  /** Adds the command, its arguments and options to the program; the action calls `run`. */
  register(program: Command, run: (work: () => Promise<number> | number) => Promise<void>): void;
}
