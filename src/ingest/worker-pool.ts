import { Worker } from 'node:worker_threads';

/** A job for a pooled worker: numbered so its result (which carries the same `seq`) finds its caller. */
interface Numbered {
  seq: number;
}

interface Pending<R> {
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

interface Slot<R> {
  worker: Worker;
  pending: Map<number, Pending<R>>;
}

/**
 * Worker threads that live as long as their owner (`serve`'s ingest route), each running `file`
 * (a module of this folder that answers every job message with one result message of the same
 * `seq`). A job goes to the worker with the fewest jobs in flight. A worker that dies fails its
 * jobs and is replaced, so one bad job cannot take the pool down.
 */
export class WorkerPool<J extends Numbered, R extends Numbered> {
  private readonly slots: Slot<R>[] = [];
  private seq = 0;
  private closed = false;

  constructor(
    private readonly module: string,
    size: number,
  ) {
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.start());
  }

  /** Runs `job` (its `seq` is set here) on a worker; `transfer` lists buffers moved rather than copied. */
  run(job: Omit<J, 'seq'>, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.closed) return Promise.reject(new Error('worker pool closed'));
    let slot = this.slots[0];
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const seq = ++this.seq;
    return new Promise<R>((resolve, reject) => {
      slot.pending.set(seq, { resolve, reject });
      slot.worker.postMessage({ ...job, seq }, transfer);
    });
  }

  /** Stops every worker; jobs still in flight fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private start(): Slot<R> {
    // Run from source (tests, tsx) the worker is TypeScript too and needs the same loader.
    const fromSource = import.meta.url.endsWith('.ts');
    const file = new URL(`./${this.module}${fromSource ? '.ts' : '.js'}`, import.meta.url);
    // :TRICKY: Node 20 workers ignore a loader given in execArgv (parallel-ndjson.ts): from source a
    // tiny shim registers tsx inside the worker before importing it.
    const shim = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`;
    const worker = fromSource ? new Worker(shim, { eval: true }) : new Worker(file);
    const slot: Slot<R> = { worker, pending: new Map() };
    worker.on('message', (r: R) => {
      const p = slot.pending.get(r.seq);
      slot.pending.delete(r.seq);
      p?.resolve(r);
    });
    const fail = (err: unknown): void => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      const i = this.slots.indexOf(slot);
      if (i !== -1 && !this.closed) this.slots[i] = this.start();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`ingest worker exited with code ${code}`)));
    return slot;
  }
}
