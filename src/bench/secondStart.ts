/**
 * Second starts for the benchmarks: a start after the first one must be timed in a new process, with nothing read,
 * compiled or cached in memory before it, as when the editor opens again.
 */
import { fork } from 'node:child_process';

/** Runs `script` again in a new Node process with `flag` followed by `request` as JSON; resolves to the JSON it prints. */
export function inNewProcess<T>(script: string, flag: string, request: unknown): Promise<T> {
  const child = fork(script, [flag, JSON.stringify(request)], { execArgv: process.execArgv, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => (output += data.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as T) : reject(new Error(`The second-start process exited with ${code}.`))));
  });
}
