/**
 * A push tokenizer for CSV text (RFC 4180 plus the usual liberties): fields may be
 * quoted with `"`, a doubled `""` inside quotes is one quote, quoted fields may hold
 * delimiters and line breaks, records end at `\n`, `\r\n` or `\r`. Text arrives in
 * chunks of any size, so a file is read without ever holding it whole; each record
 * carries the 1-based line on which it starts, for error messages.
 *
 * @example
 * const t = new CsvTokenizer(',');
 * t.push('a,"b\nc"\n1,2'); // [{ fields: ['a', 'b\nc'], line: 1 }]
 * t.end();                 // [{ fields: ['1', '2'], line: 3 }]
 */
export interface CsvRecord {
  readonly fields: string[];
  /** 1-based physical line where the record starts. */
  readonly line: number;
}

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

export class CsvTokenizer {
  private readonly delimiter: number;
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  /** A quote was just seen inside a quoted field: either `""` or the closing quote. */
  private quotePending = false;
  /** The previous chunk ended in `\r`, so a leading `\n` belongs to the same break. */
  private afterCr = false;
  /** The previous character, inside quotes, was `\r`. */
  private quotedCr = false;
  private line = 1;
  private recordLine = 1;
  /** The current field has content (so a quote is literal, not an opening quote). */
  private fieldStarted = false;
  /** The current record has content (a line with nothing on it is skipped). */
  private recordStarted = false;
  private sawBom = false;

  constructor(delimiter: string) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Tokenizes one chunk and returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    let text = chunk;
    if (!this.sawBom && text.length > 0) {
      this.sawBom = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: CsvRecord[] = [];
    let start = 0; // start of the pending run of plain characters
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.afterCr) {
        this.afterCr = false;
        if (c === LF) {
          start = i + 1;
          continue;
        }
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === QUOTE) {
            // `""`: one literal quote; the first quote was not appended.
            this.field += '"';
            start = i + 1;
            continue;
          }
          this.inQuotes = false;
          // fall through: the character after the closing quote is handled as unquoted
        } else if (c === QUOTE) {
          this.field += text.slice(start, i);
          this.quotePending = true;
          this.quotedCr = false;
          start = i + 1;
          continue;
        } else {
          // a CRLF inside quotes is one line break, even when split between chunks
          if (c === CR || (c === LF && !this.quotedCr)) this.line++;
          this.quotedCr = c === CR;
          continue;
        }
      }
      if (c === this.delimiter) {
        this.fields.push(this.field + text.slice(start, i));
        this.field = '';
        this.fieldStarted = false;
        this.recordStarted = true;
        start = i + 1;
      } else if (c === LF || c === CR) {
        this.field += text.slice(start, i);
        this.finishRecord(out);
        this.line++;
        this.recordLine = this.line;
        if (c === CR) {
          if (i + 1 < n) {
            if (text.charCodeAt(i + 1) === LF) i++;
          } else {
            this.afterCr = true;
          }
        }
        start = i + 1;
      } else if (c === QUOTE && !this.fieldStarted) {
        this.inQuotes = true;
        this.fieldStarted = true;
        this.recordStarted = true;
        start = i + 1;
      } else {
        this.fieldStarted = true;
        this.recordStarted = true;
      }
    }
    if (this.inQuotes && this.quotePending) {
      // The chunk ended right after a quote: keep the decision for the next chunk.
    } else {
      this.field += text.slice(start);
    }
    return out;
  }

  /** Flushes the last record (one without a trailing line break). */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.inQuotes && !this.quotePending) {
      this.inQuotes = false;
      throw new UnterminatedQuoteError(this.recordLine);
    }
    this.inQuotes = false;
    this.quotePending = false;
    this.finishRecord(out);
    return out;
  }

  private finishRecord(out: CsvRecord[]): void {
    const isBlank = !this.recordStarted;
    if (!isBlank) {
      this.fields.push(this.field);
      out.push({ fields: this.fields, line: this.recordLine });
    }
    this.fields = [];
    this.field = '';
    this.fieldStarted = false;
    this.recordStarted = false;
  }
}

/** Raised by `end()` when the text ends inside a quoted field; the reader adds the file name. */
export class UnterminatedQuoteError extends Error {
  constructor(readonly line: number) {
    super(`a quoted field opened on line ${line} is never closed`);
  }
}
