/** The `revisit` command line: one entry point for every service and tool. */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../common/config.ts';
import { restrictNewFileModes } from '../common/process/restrict-file-modes.ts';
import { readFileSync } from 'node:fs';
import { calibrateCommand } from './commands/calibrate-command.ts';
import { configCommand } from './commands/config-command.ts';
import { demoCommand } from './commands/demo-command.ts';
import { evalCommand } from './commands/eval-command.ts';
import { enrollCommand } from './commands/enroll-command.ts';
import { forgetCommand } from './commands/forget-command.ts';
import { ingestCommand } from './commands/ingest-command.ts';
import { keysCommand } from './commands/keys-command.ts';
import { migrateCommand } from './commands/migrate-command.ts';
import { modelsCommand } from './commands/models-command.ts';
import { reportCommand } from './commands/report-command.ts';
import { schedulerCommand } from './commands/scheduler-command.ts';
import { serveCommand } from './commands/serve-command.ts';
import { workerCommand } from './commands/worker-command.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('revisit')
  .description('Anonymous visitor analytics from ordinary CCTV')
  .version(version, '-V, --version', 'print the version')
  .showHelpAfterError()
  .addCommand(demoCommand())
  .addCommand(ingestCommand())
  .addCommand(workerCommand())
  .addCommand(serveCommand())
  .addCommand(migrateCommand())
  .addCommand(modelsCommand())
  .addCommand(enrollCommand())
  .addCommand(forgetCommand())
  .addCommand(evalCommand())
  .addCommand(calibrateCommand())
  .addCommand(keysCommand())
  .addCommand(reportCommand())
  .addCommand(schedulerCommand())
  .addCommand(configCommand());

// Before any command writes: data, key files, reports and logs are this user's alone.
restrictNewFileModes();

try {
  await program.parseAsync(process.argv);
  // A command is done when its action resolves. A client's stray socket or reconnect timer (kafkajs
  // after a broker outage, seen in the distributed test) must not keep a stopped service alive
  // until its orchestrator kills it. process.exitCode (a failed erasure sets 1) is kept.
  process.exit();
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  // Expected failures (bad config, missing source, a used port) get one clear line, not a stack trace.
  process.stderr.write(`revisit: ${explain(err)}\n`);
  process.exit(1);
}

function explain(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    const { address, port } = err as { address?: string; port?: number };
    return `${address ?? ''}:${port ?? '?'} is already in use (another revisit serve or demo?): stop it, or choose another port with --port or REVISIT_API_PORT`;
  }
  if (code === 'EACCES' && (err as { port?: number }).port !== undefined)
    return `not allowed to listen on port ${(err as { port: number }).port}: choose one above 1023 with --port`;
  return err instanceof ConfigError || err instanceof Error ? err.message : String(err);
}
