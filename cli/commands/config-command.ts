/** `revisit config check`: the effective configuration (secrets masked), or every error in it with a non-zero exit. */
import { Command } from 'commander';
import { ConfigError, configFilePath, loadConfig } from '../../common/config.ts';

/** Settings whose values are secrets: printed as "***". */
const SECRET_KEYS = new Set(['password', 'token', 'keys']);

function masked(value: unknown, key = ''): unknown {
  if (
    SECRET_KEYS.has(key) &&
    value !== undefined &&
    !(Array.isArray(value) && value.every((k) => typeof k === 'object'))
  )
    return '***';
  if (Array.isArray(value)) return value.map((v) => masked(v));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, k)]));
  return value;
}

/** The errors of a ConfigError: its list lines, or its one sentence (a file that is not JSON). */
function listed(message: string): string[] {
  const lines = message.split('\n').slice(1);
  return lines.length ? lines.map((l) => l.replace(/^\s*- /, '')) : [message];
}

export function configCommand(): Command {
  const config = new Command('config').description(
    'Inspect the configuration (REVISIT_CONFIG, the environment, defaults)',
  );
  config
    .command('check')
    .description('Load the configuration as every command does: print the effective settings, or every error (exit 1)')
    .option('--json', 'print {"ok": true, "config"} or {"ok": false, "errors"} as JSON')
    .action((opts: { json?: boolean }) => {
      const file = configFilePath();
      try {
        const effective = masked(loadConfig());
        if (opts.json) console.log(JSON.stringify({ ok: true, file: file ?? null, config: effective }));
        else
          console.log(
            `configuration OK${file ? ` (${file})` : ' (defaults and environment; REVISIT_CONFIG is unset)'}\n${JSON.stringify(effective, null, 2)}`,
          );
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        if (opts.json) console.log(JSON.stringify({ ok: false, file: file ?? null, errors: listed(err.message) }));
        else process.stderr.write(`revisit: ${err.message}\n`);
        process.exitCode = 1;
      }
    });
  return config;
}
