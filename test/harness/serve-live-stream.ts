/** A live camera for tests: ffmpeg serves a video file in a loop at its real rate over HTTP (MPEG-TS), to one client. */
import { spawn, type ChildProcess } from 'node:child_process';
import { findFreePort } from '../../common/process/find-free-port.ts';

export interface LiveStream {
  url: string;
  stop(): void;
}

/** Starts serving `video` at `http://127.0.0.1:<free port>/live.ts`; the stream never ends until stop(). */
export async function serveLiveStream(video: string): Promise<LiveStream> {
  const url = `http://127.0.0.1:${await findFreePort()}/live.ts`;
  const args = ['-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', video];
  const child: ChildProcess = spawn('ffmpeg', [...args, '-c', 'copy', '-f', 'mpegts', '-listen', '1', url], {
    stdio: 'ignore',
  });
  return { url, stop: () => void child.kill('SIGKILL') };
}
