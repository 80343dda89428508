/** `revisit eval`: measurements of the product against ground truth, one subcommand each. */
import { Command } from 'commander';
import { evalReidCommand } from './eval-reid-command.ts';
import { evalStoreCommand } from './eval-store-command.ts';

export function evalCommand(): Command {
  return new Command('eval')
    .description('Measure the product against ground truth')
    .addCommand(evalStoreCommand())
    .addCommand(evalReidCommand());
}
