/**
 * Starts a measured bot in its own process (so its RSS and CPU are its own, apart from the fakes
 * and the load generator in the parent) and talks to it over IPC.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildMessageSchema, type ChildMessage, type ParentMessage, type Probe } from './ipc.js';

export type BotKind = 'bot' | 'bare';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The compiled entries (`tsc -p tsconfig.bench.json`: the production build plus these two), run with plain node. */
const ENTRIES: Record<BotKind, string> = {
  // BENCH_BOT_DIST=<dir>: the bot from another compiled tree (an older commit's dist/), for before/after pairs.
  bot: join(process.env.BENCH_BOT_DIST ?? join(REPO_ROOT, 'dist'), 'bench/bot/bot-child.js'),
  bare: join(REPO_ROOT, 'dist/bench/baseline/bare-child.js'),
};
/** As the Dockerfile runs the bot (NODE_OPTIONS=--enable-source-maps), plus --expose-gc for the probes. */
const NODE_FLAGS = ['--expose-gc', '--enable-source-maps'];
const OUTPUT_KEEP = 64 * 1024;

/**
 * Compiles the production build (`tsconfig.build.json`: src and commands) and the two child entries
 * into dist/, with the compiler options of `npm run build` (tsconfig.bench.json extends it).
 */
export function buildForBench(): void {
  const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(REPO_ROOT, 'tsconfig.bench.json')], { cwd: REPO_ROOT, stdio: 'inherit' });
}

export interface BenchChild {
  kind: BotKind;
  pid: number;
  startupMs: number;
  /** Probe taken right after READY (after a forced gc). */
  atReady: Probe;
  /** `resetLoopDelay` starts the child's event-loop delay histogram afresh after this reading. */
  probe(opts?: { gc?: boolean; resetLoopDelay?: boolean }): Promise<Probe>;
  /** Resolves when the child has nothing in flight (or after `timeoutMs`); returns the last count. */
  drain(timeoutMs: number): Promise<number>;
  stop(timeoutMs?: number): Promise<void>;
  /** Log lines at warn (40) and error (50) or above, counted from the bot's JSON logs. */
  readonly warnings: number;
  readonly errors: number;
  /** The tail of its stdout and stderr. */
  output(): string;
}

/** Forks a bot; resolves once it reported READY. */
export async function startChild(kind: BotKind, env: Readonly<Record<string, string>>, timeoutMs = 60_000): Promise<BenchChild> {
  // BENCH_CPU_PROF=<dir> profiles each child (written when it exits); BENCH_LOG_DIR=<dir> keeps its whole log.
  const profileDir = process.env.BENCH_CPU_PROF;
  const logDir = process.env.BENCH_LOG_DIR;
  const child: ChildProcess = fork(ENTRIES[kind], [], {
    cwd: REPO_ROOT,
    execArgv: [...NODE_FLAGS, ...(profileDir === undefined || profileDir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`])],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', BENCH_HEAP_SNAPSHOT: process.env.BENCH_HEAP_SNAPSHOT ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  let warnings = 0;
  let errors = 0;
  let partial = '';
  const keep = (text: string): void => {
    output = (output + text).slice(-OUTPUT_KEEP);
  };
  if (logDir !== undefined && logDir !== '') {
    mkdirSync(logDir, { recursive: true });
    const file = createWriteStream(join(logDir, `${kind}-${child.pid ?? 'unknown'}.log`));
    child.stdout?.pipe(file);
  }
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    keep(text);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level === undefined) continue;
      if (Number(level) >= 50) errors += 1;
      else if (Number(level) >= 40) warnings += 1;
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => keep(chunk.toString()));

  let seq = 0;
  const waiters = new Map<number, (m: ChildMessage) => void>();
  let onReady: ((m: Extract<ChildMessage, { type: 'ready' }>) => void) | undefined;
  child.on('message', (raw: unknown) => {
    const parsed = ChildMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const m = parsed.data;
    if (m.type === 'ready') onReady?.(m);
    else waiters.get(m.seq)?.(m);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ask = <T extends ChildMessage['type']>(message: ParentMessage, type: T, ms: number): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(message.seq);
        reject(new Error(`${kind} child did not answer ${message.type} within ${ms} ms\n${output.slice(-4000)}`));
      }, ms);
      waiters.set(message.seq, (m) => {
        if (m.type !== type) return;
        clearTimeout(timer);
        waiters.delete(message.seq);
        resolve(m as Extract<ChildMessage, { type: T }>);
      });
      child.send(message);
    });

  const ready = await new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} child not ready within ${timeoutMs} ms\n${output.slice(-4000)}`)), timeoutMs);
    onReady = (m) => {
      clearTimeout(timer);
      resolve(m);
    };
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} child exited with ${String(code)} before READY\n${output.slice(-4000)}`));
    });
  });

  const handle: BenchChild = {
    kind,
    pid: child.pid ?? -1,
    startupMs: ready.startupMs,
    atReady: ready.probe,
    async probe(opts = {}) {
      seq += 1;
      return (await ask({ type: 'probe', seq, gc: opts.gc ?? false, resetLoopDelay: opts.resetLoopDelay ?? false }, 'probe', 30_000)).probe;
    },
    async drain(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      let last = (await handle.probe()).inFlight;
      while (last > 0 && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        last = (await handle.probe()).inFlight;
      }
      return last;
    },
    async stop(stopTimeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      seq += 1;
      try {
        await ask({ type: 'stop', seq }, 'stopped', stopTimeoutMs);
      } catch {
        child.kill('SIGKILL');
      }
      await exited;
    },
    get warnings() {
      return warnings;
    },
    get errors() {
      return errors;
    },
    output: () => output,
  };
  return handle;
}
