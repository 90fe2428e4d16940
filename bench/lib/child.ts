import { fork, type ChildProcess } from 'node:child_process';
import type { z } from 'zod';

/**
 * Benchmark children run the same entry script under plain node with the tsx loader and
 * `--expose-gc`, so each one starts with a clean heap and can force collections.
 */
export function forkBenchChild(script: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): ChildProcess {
  return fork(script, [...args], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The child's next IPC message, parsed; rejects if it exits first or stays silent too long. */
export function nextMessage<T>(child: ChildProcess, schema: z.ZodType<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const onMessage = (message: unknown): void => {
      cleanup();
      const parsed = schema.safeParse(message);
      if (parsed.success) resolve(parsed.data);
      else reject(new Error(`child ${child.pid ?? '?'} sent an unexpected message: ${JSON.stringify(message)}`));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup();
      reject(new Error(`child ${child.pid ?? '?'} exited (code ${String(code)}, signal ${String(signal)}) before reporting`));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${child.pid ?? '?'} did not report within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Resolves when the child has exited (immediately if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Sends one IPC message from a child to its parent, then exits once it is flushed. */
export function reportAndExit(message: unknown): void {
  if (process.send === undefined) {
    console.log(JSON.stringify(message));
    process.exit(0);
  }
  process.send(message, () => process.exit(0));
}
