import { Worker } from 'node:worker_threads';
import { LAMBDA_WORKER_SOURCE } from './lambda-worker-source';
import type { LambdaSpec } from './model';

/*
 * A Node.js Lambda function run in-process: one worker thread per function, started with the
 * function's environment over the runner's (worker_threads `env`, so two functions never share a
 * variable), its handler loaded once (a cold start) and invoked for each request. The timeout
 * (`timeoutSeconds`) is enforced as Lambda does: the invocation fails and the execution
 * environment is discarded (the worker is terminated; the next invocation starts a new one).
 *
 * Differences from Lambda, on purpose: invocations run concurrently in the one worker (Lambda
 * gives each concurrent request its own environment); memory size is not enforced.
 */

/** Options of a `LambdaHost`. */
export interface LambdaHostOptions {
  /**
   * Receives the function's output (console.log and friends), one line at a time; undefined:
   * the worker's output goes to this process's stdout and stderr.
   */
  readonly log?: (line: string) => void;
}

/** The error an invocation rejects with when the function times out. */
export interface LambdaTimeoutError extends Error {
  readonly timedOut: true;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface WorkerMessage {
  readonly type: 'ready' | 'load-error' | 'result' | 'error';
  readonly id?: number;
  readonly json?: string;
  readonly message?: string;
  readonly stack?: string;
}

/** One Lambda function running in a worker thread. */
export class LambdaHost {
  /**
   * Starts the function's worker and loads its handler.
   * @throws an Error naming the function and why, when the runtime is not Node.js or the
   *   handler cannot be loaded
   */
  public static async start(name: string, spec: LambdaSpec, options: LambdaHostOptions = {}): Promise<LambdaHost> {
    if (!/^nodejs/.test(spec.runtime)) {
      throw new Error(`lambda ${name}: runtime ${spec.runtime} cannot run locally (only nodejs* runtimes run in-process)`);
    }
    if (spec.inlineCode === undefined && spec.codeDirectory === undefined) {
      throw new Error(`lambda ${name}: the function has neither a code folder nor inline code`);
    }
    const host = new LambdaHost(name, spec, options);
    await host.boot();
    return host;
  }

  private worker?: Worker;
  private booting?: Promise<Worker>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  private constructor(
    /** The function's name (its service), for messages. */
    public readonly name: string,
    private readonly spec: LambdaSpec,
    private readonly options: LambdaHostOptions,
  ) {}

  /**
   * Invokes the handler with an event.
   * @returns the handler's result, as Lambda serialises it (JSON round trip)
   * @throws the handler's error (message and stack), or an Error with `timedOut: true` after
   *   `timeoutSeconds`
   */
  public async invoke(event: object): Promise<unknown> {
    if (this.closed) throw new Error(`lambda ${this.name}: closed`);
    const worker = this.worker ?? await this.boot();
    const id = this.nextId++;
    const timeoutMs = Math.max(1, this.spec.timeoutSeconds) * 1000;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => this.timeOut(id, timeoutMs), timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ type: 'invoke', id, event, timeoutMs });
    });
  }

  /** Terminates the worker; pending invocations reject. */
  public async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failPending(new Error(`lambda ${this.name}: closed`));
    if (worker) await worker.terminate();
  }

  private timeOut(id: number, timeoutMs: number): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    const err = new Error(`lambda ${this.name} timed out after ${timeoutMs / 1000} s`) as Error & { timedOut: boolean };
    err.timedOut = true;
    entry.reject(err);
    // Lambda discards an environment whose invocation timed out: so do we (a handler stuck in a
    // loop would otherwise block the worker for good). Others running in it fail too.
    this.recycle(`lambda ${this.name}: its environment was discarded after another invocation timed out`);
  }

  private recycle(reason: string): void {
    const worker = this.worker;
    this.worker = undefined;
    this.failPending(new Error(reason));
    if (worker) void worker.terminate();
  }

  private failPending(err: Error): void {
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(err);
    }
    this.pending.clear();
  }

  private boot(): Promise<Worker> {
    if (this.booting) return this.booting;
    const logged = this.options.log !== undefined;
    const worker = new Worker(LAMBDA_WORKER_SOURCE, {
      eval: true,
      env: {
        ...process.env,
        AWS_LAMBDA_FUNCTION_NAME: this.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
        AWS_EXECUTION_ENV: `AWS_Lambda_${this.spec.runtime}`,
        ...(this.spec.codeDirectory ? { LAMBDA_TASK_ROOT: this.spec.codeDirectory } : {}),
        ...this.spec.environment,
      },
      workerData: {
        functionName: this.name,
        handler: this.spec.handler,
        codeDirectory: this.spec.codeDirectory,
        inlineCode: this.spec.inlineCode,
      },
      stdout: logged,
      stderr: logged,
    });
    if (logged) {
      for (const stream of [worker.stdout, worker.stderr]) this.forwardLines(stream);
    }
    this.booting = new Promise<Worker>((resolve, reject) => {
      let ready = false;
      worker.on('message', (msg: WorkerMessage) => {
        if (msg.type === 'ready') {
          ready = true;
          this.booting = undefined;
          if (this.closed) {
            void worker.terminate();
            reject(new Error(`lambda ${this.name}: closed`));
            return;
          }
          this.worker = worker;
          resolve(worker);
        } else if (msg.type === 'load-error') {
          this.booting = undefined;
          void worker.terminate();
          reject(new Error(`lambda ${this.name}: cannot load handler '${this.spec.handler}' from `
            + `${this.spec.inlineCode !== undefined ? 'inline code' : this.spec.codeDirectory}: ${msg.message}`));
        } else {
          this.settle(msg);
        }
      });
      worker.on('error', err => {
        if (!ready) {
          this.booting = undefined;
          reject(new Error(`lambda ${this.name}: cannot load handler '${this.spec.handler}': ${err.message}`));
          return;
        }
        // An uncaught exception or unhandled rejection ends the environment, as in Lambda.
        if (this.worker === worker) this.recycle(`lambda ${this.name}: the function crashed: ${err.message}`);
      });
      worker.on('exit', () => {
        if (!ready) {
          this.booting = undefined;
          reject(new Error(`lambda ${this.name}: the worker exited while loading handler '${this.spec.handler}'`));
        } else if (this.worker === worker) {
          this.recycle(`lambda ${this.name}: the function's environment exited`);
        }
      });
    });
    return this.booting;
  }

  private settle(msg: WorkerMessage): void {
    const entry = msg.id === undefined ? undefined : this.pending.get(msg.id);
    if (!entry) return; // timed out already
    this.pending.delete(msg.id!);
    clearTimeout(entry.timer);
    if (msg.type === 'result') {
      entry.resolve(JSON.parse(msg.json ?? 'null'));
    } else {
      const err = new Error(msg.message ?? 'the function failed');
      if (msg.stack) err.stack = msg.stack;
      entry.reject(err);
    }
  }

  private forwardLines(stream: NodeJS.ReadableStream): void {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) this.options.log!(line);
    });
    stream.on('end', () => {
      if (rest.length > 0) this.options.log!(rest);
    });
  }
}
