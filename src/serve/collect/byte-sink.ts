/**
 * A growable byte buffer that the data collector serializes its lines into, as UTF-8.
 *
 * Why not strings: building a line of a 100-row request with `+=` makes a rope of
 * thousands of pieces that `join` then flattens and `appendFile` encodes again, three
 * copies and much garbage; profiled in a serving process, that was most of what
 * collection cost. Writing bytes once into a buffer that is reused from line to line
 * halves the work of the flush (benchmarks/results/serve.json, data collection).
 */

/** Strings longer than this are encoded by Buffer#write (native) rather than byte by byte. */
const LOOP_CHARS = 64;

/**
 * Bytes written so far (`length`) in a buffer that grows by doubling; `length` may be set
 * back to a mark to drop what was written after it (a line that failed half-way).
 *
 * @example
 * const sink = new ByteSink();
 * sink.text('{"a":');
 * sink.ascii(String(1.5));
 * sink.byte(0x7d);
 * sink.bytes(); // <Buffer 7b 22 61 22 3a 31 2e 35 7d>
 */
export class ByteSink {
  /** The storage; valid up to `length`. */
  buffer: Buffer;
  /** Bytes written. */
  length = 0;

  constructor(initialBytes = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(Math.max(16, initialBytes));
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < need) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** One byte (an ASCII character code). */
  byte(code: number): void {
    if (this.length === this.buffer.length) this.reserve(1);
    this.buffer[this.length++] = code;
  }

  /** A string the caller knows to be ASCII (a number's text, an ISO time). */
  ascii(text: string): void {
    const n = text.length;
    if (n > LOOP_CHARS) {
      this.reserve(n);
      this.length += this.buffer.write(text, this.length, n, 'latin1');
      return;
    }
    this.reserve(n);
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < n; i++) buffer[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Any string, as UTF-8 (a lone surrogate becomes U+FFFD, as Buffer.from writes it). */
  text(text: string): void {
    const n = text.length;
    if (n <= LOOP_CHARS) {
      this.reserve(n);
      const buffer = this.buffer;
      let at = this.length;
      let i = 0;
      for (; i < n; i++) {
        const code = text.charCodeAt(i);
        if (code >= 0x80) break;
        buffer[at++] = code;
      }
      if (i === n) {
        this.length = at;
        return;
      }
      // not ASCII: the native encoder from the start of this string
    }
    this.reserve(Buffer.byteLength(text, 'utf8'));
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  /** Bytes as they are (a pre-encoded constant). */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** A view of what was written (shares the storage: valid until the next write or reset). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}
