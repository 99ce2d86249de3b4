import { pushDocument } from './documents.js';
import { shortMessage } from './text-chunks.js';
import type { RawRecord } from './types.js';

const QUOTE = 34,
  BACKSLASH = 92,
  COMMA = 44,
  COLON = 58;
const LBRACE = 123,
  RBRACE = 125,
  LBRACKET = 91,
  RBRACKET = 93;
const SPACE = 32,
  TAB = 9,
  LF = 10,
  CR = 13;

/** What is being captured: nothing, an element of the record array, or a whole top-level object. */
const NONE = 0,
  ELEMENT = 1,
  TOP = 2;

/** Top-level keys whose array holds the records: CouchDB `_all_docs` dumps, `_changes` feeds and crossbar envelopes. */
const ROWS = 'rows',
  RESULTS = 'results',
  DATA = 'data';

/**
 * Incremental splitter for JSON inputs: a top-level array of CDRs, a wrapper object whose top-level
 * `rows` (CouchDB dump), `results` (`_changes` feed) or `data` (crossbar) holds them, or a sequence
 * of top-level objects. Each value it completes is read by pushDocument (documents.ts). It
 * tracks depth and strings (with escapes) character by character, keeps only the text of the
 * record being read, and JSON.parses each record as it completes, so memory stays flat. Other
 * top-level members (`total_rows`, `page_size`, `next_start_key`, ...) are skipped wherever they are.
 * A malformed element whose brackets balance becomes an error record and the next one still comes.
 */
export class JsonSplitter {
  /** Next record index: position of the element in its array, design docs included. */
  index = 0;
  /** A `rows`/`data` member was found: the input is a wrapper object. */
  wrapperFound = false;
  /** Top-level values completed so far. */
  topValuesDone = 0;
  /** A line break appeared inside the first top-level value (it is not one NDJSON line). */
  multiline = false;
  /** A raw line break inside a string: not JSON, most likely NDJSON with a broken line. */
  newlineInString = false;
  failed = false;
  /**
   * Set when the body as a whole is not CDRs (garbage or a scalar at top level, `"data": 5`, a
   * top-level object that is not JSON, input that ends inside a value). Readers in strict mode
   * (HTTP bodies) answer 400 with it; files keep the error records below.
   */
  bodyError: string | undefined;
  /** `bodyError` concerns the first top-level value (what decides whether the input is NDJSON). */
  bodyErrorFirst = false;

  private depth = 0;
  private inString = false;
  private escape = false;
  private arrayDepth = -1;
  /** The wrapper's key when its elements are CouchDB rows (`rows`, `results`), else ''. */
  private rowsKey = '';
  private capKind = NONE;
  private capParts: string[] = [];
  private capStart = 0;
  private topIsObject = false;
  private expectKey = false;
  private awaitingValue = false;
  private keyOn = false;
  private keyStart = 0;
  private keyText = '';
  private lastKey = '';

  /** Feeds the next chunk of text; completed records are appended to `out`. */
  push(s: string, out: RawRecord[]): void {
    if (this.failed) return;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyOn) this.endKey(s, i);
        } else if (c === LF) this.newlineInString = true;
        continue;
      }
      if (c === SPACE || c === LF || c === CR || c === TAB) {
        if (c === LF && this.depth > 0 && this.topValuesDone === 0) this.multiline = true;
        continue;
      }
      const d = this.depth;
      if (d === this.arrayDepth && this.capKind === NONE && c !== COMMA && c !== RBRACKET) this.startCapture(ELEMENT, i);
      if (d === 1 && this.topIsObject && this.awaitingValue) this.memberValue(c);
      switch (c) {
        case QUOTE:
          if (d === 0) return this.fail(out, c);
          this.inString = true;
          if (d === 1 && this.topIsObject && this.expectKey) {
            this.keyOn = true;
            this.keyStart = i + 1;
            this.keyText = '';
          }
          break;
        case LBRACE:
        case LBRACKET:
          if (d === 0) this.startTopValue(c, i);
          this.depth = d + 1;
          break;
        case RBRACE:
        case RBRACKET:
          if (d === 0) return this.fail(out, c);
          if (d === this.arrayDepth && c === RBRACKET) {
            if (this.capKind === ELEMENT) this.emit(s, i, out);
            this.arrayDepth = -1;
          }
          this.depth = d - 1;
          if (d === 1) {
            if (this.capKind === TOP) this.emit(s, i + 1, out);
            this.topValuesDone++;
            this.topIsObject = false;
          }
          break;
        case COMMA:
          if (d === this.arrayDepth && this.capKind === ELEMENT) this.emit(s, i, out);
          else if (d === 1 && this.topIsObject) this.expectKey = true;
          break;
        case COLON:
          if (d === 1 && this.topIsObject) {
            this.expectKey = false;
            this.awaitingValue = true;
          }
          break;
        default:
          if (d === 0) return this.fail(out, c);
      }
    }
    if (this.capKind !== NONE) {
      this.capParts.push(s.slice(this.capStart));
      this.capStart = 0;
    }
    if (this.keyOn) {
      // Only short keys matter ("rows", "data"); keep a bounded prefix of longer ones.
      if (this.keyText.length < 8) this.keyText += s.slice(this.keyStart, this.keyStart + 8);
      this.keyStart = 0;
    }
  }

  /** Signals the end of input: an unfinished record becomes an error record. */
  end(out: RawRecord[]): void {
    if (this.failed) return;
    if (this.depth > 0 || this.inString) {
      const what = this.capKind === NONE ? 'input' : 'record';
      this.bodyFault('invalid JSON: the body ends inside a value (cut off?)');
      out.push({ index: this.index++, error: `unexpected end of input: unterminated JSON ${what}` });
      this.capKind = NONE;
      this.capParts = [];
    }
  }

  private startTopValue(c: number, i: number): void {
    if (c === LBRACKET) {
      this.arrayDepth = 1;
      this.rowsKey = '';
      this.topIsObject = false;
      return;
    }
    // Captured whole in case it is a single CDR; dropped as soon as it turns out to be a wrapper.
    this.topIsObject = true;
    this.expectKey = true;
    this.awaitingValue = false;
    this.startCapture(TOP, i);
  }

  private memberValue(c: number): void {
    this.awaitingValue = false;
    const key = this.lastKey;
    const listKey = key === ROWS || key === RESULTS || key === DATA;
    if (c === LBRACKET && listKey) {
      this.dropCapture();
      this.wrapperFound = true;
      this.arrayDepth = 2;
      this.rowsKey = key === DATA ? '' : key;
    } else if (c === LBRACE && key === DATA) {
      // crossbar's single-document GET `{"data": {...}}` or a websocket event, whose `name` may
      // come after its data: the whole (small) object is kept and read by pushDocument.
      this.wrapperFound = true;
    } else if (listKey) {
      this.bodyFault(`${key}: not a list of CDRs (expected [...]), got '${String.fromCharCode(c)}...'`);
    }
  }

  private endKey(s: string, i: number): void {
    this.keyOn = false;
    this.lastKey = this.keyText + s.slice(this.keyStart, Math.min(i, this.keyStart + 8));
  }

  private startCapture(kind: number, i: number): void {
    this.capKind = kind;
    this.capStart = i;
    this.capParts = [];
  }

  private dropCapture(): void {
    this.capKind = NONE;
    this.capParts = [];
  }

  private emit(s: string, end: number, out: RawRecord[]): void {
    const kind = this.capKind;
    const tail = s.slice(this.capStart, end);
    const textValue = this.capParts.length === 0 ? tail : this.capParts.join('') + tail;
    this.dropCapture();
    const index = this.index++;
    let value: unknown;
    try {
      value = JSON.parse(textValue);
    } catch (err) {
      const reason = `invalid JSON: ${shortMessage(err)}`;
      // The whole top-level value is broken, not one element of a list.
      if (kind === TOP && this.topValuesDone === 0) this.bodyFault(reason);
      out.push({ index, error: reason });
      return;
    }
    if (kind === ELEMENT && this.rowsKey !== '') pushDocument(index, undefined, { [this.rowsKey]: [value] }, out);
    else pushDocument(index, undefined, value, out);
  }

  private bodyFault(reason: string): void {
    if (this.bodyError !== undefined) return;
    this.bodyError = reason;
    this.bodyErrorFirst = this.topValuesDone === 0;
  }

  private fail(out: RawRecord[], c: number): void {
    this.failed = true;
    const reason = `invalid JSON: unexpected '${String.fromCharCode(c)}' at top level (expected [...], {"data": [...]} or a CDR object)`;
    this.bodyFault(reason);
    out.push({ index: this.index++, error: reason });
  }
}
