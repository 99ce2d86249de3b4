import { once } from 'node:events';
import type { Client } from 'pg';

/**
 * `COPY … FROM STDIN` through plain `pg` (pg-copy-streams is not installed).
 * `client.query` accepts any object with `submit(connection)`; the client then forwards protocol
 * events to its `handle*` methods. This relies on pg 8's (long-stable) connection methods
 * `query`, `sendCopyFromChunk`, `endCopyFrom` and `sendCopyFail`.
 */
interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

abstract class CopySubmittable {
  private done!: (error: Error | null) => void;
  private error: Error | null = null;
  readonly finished: Promise<void>;

  constructor(readonly text: string) {
    this.finished = new Promise((resolve, reject) => {
      this.done = (error) => (error ? reject(error) : resolve());
    });
  }

  submit(connection: PgConnection): void {
    connection.query(this.text);
  }

  handleError(error: Error): void {
    this.error = error;
  }

  handleReadyForQuery(): void {
    this.done(this.error);
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(connection: PgConnection): void {
    connection.sendCopyFail('unexpected COPY FROM');
  }
}

class CopyIn extends CopySubmittable {
  constructor(
    text: string,
    private readonly chunks: AsyncIterable<string> | Iterable<string>,
  ) {
    super(text);
  }

  override handleCopyInResponse(connection: PgConnection): void {
    void (async () => {
      try {
        for await (const chunk of this.chunks) {
          connection.sendCopyFromChunk(Buffer.from(chunk, 'utf8'));
          // Back-pressure: wait for the socket rather than buffering a whole load in memory.
          if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
        }
        connection.endCopyFrom();
      } catch (error) {
        connection.sendCopyFail(String(error));
      }
    })();
  }
}

/** Streams text-format COPY data (already escaped, newline-terminated rows) into `COPY … FROM STDIN`. */
export async function copyFrom(client: Client, text: string, chunks: AsyncIterable<string> | Iterable<string>): Promise<void> {
  const copy = new CopyIn(text, chunks);
  // @types/pg types only Submittable's `submit`; the handle* methods are duck-typed by the client.
  void client.query(copy as never);
  await copy.finished;
}

/** Escapes one value for COPY text format (NULL is `\N`; backslash, tab, CR and LF are escaped). */
export function copyValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
}
