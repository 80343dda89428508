/** A real `revisit serve` child process: its listeners' URLs from what it prints, every byte it writes kept for inspection. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/revisit.js', import.meta.url));
/** Start-up loads the ONNX models, embedded ClickHouse and the private redis-server. */
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;

export interface ServeProcess {
  /** The API listener, as a client on this machine reaches it (0.0.0.0 becomes 127.0.0.1). */
  apiUrl: string;
  /** The BI listener, when on. */
  biUrl?: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Waits until `pattern` shows in the output (a log line, say); rejects after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** SIGTERM, then waits for the exit (SIGKILL after a timeout); resolves with the exit code. */
  stop(): Promise<number | null>;
}

const reachable = (url: string) => url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//127.0.0.1:');

/** Starts `revisit serve` with exactly `env` (nothing inherited) and resolves once it prints its listeners. */
export async function startServeProcess(env: Record<string, string>): Promise<ServeProcess> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    text += d.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const l of listeners) l();
  });

  const waitForOutput = (pattern: RegExp, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(text);
        if (match || gone) {
          listeners.delete(check);
          clearTimeout(timer);
          if (match) resolve(match[0]);
          else reject(new Error(`revisit serve exited before printing ${pattern}:\n${text.slice(-4000)}`));
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no ${pattern} from revisit serve within ${timeoutMs} ms:\n${text.slice(-4000)}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });

  const stop = async () => {
    if (!gone) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  try {
    const line = await waitForOutput(/dashboard and API on (\S+) .*\n/, START_TIMEOUT_MS);
    const apiUrl = /dashboard and API on (\S+)/.exec(line)![1];
    const biUrl = /BI \(ClickHouse HTTP, JDBC\) on (\S+)/.exec(line)?.[1];
    return { apiUrl: reachable(apiUrl), biUrl: biUrl && reachable(biUrl), output: () => text, waitForOutput, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
