/**
 * Splits a stream of text chunks into lines, holding a partial last line until it
 * completes (or `flush`).
 *
 * @example
 * const split = lineSplitter((line) => console.log(line));
 * split.push('a\nb'); split.push('c\n'); // prints 'a', then 'bc'
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let rest = '';
  return {
    push(chunk) {
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        onLine(text.slice(start, nl).replace(/\r$/, ''));
        start = nl + 1;
      }
      rest = text.slice(start);
    },
    flush() {
      if (rest) onLine(rest.replace(/\r$/, ''));
      rest = '';
    },
  };
}

/**
 * Keeps the last `limit` characters of a stream, and says whether it dropped any.
 *
 * @example
 * const tail = outputTail(5); tail.push('hello world'); tail.text(); // '[... 6 characters dropped]\nworld'
 */
export function outputTail(limit: number): { push(chunk: string): void; text(): string } {
  let kept = '';
  let dropped = 0;
  return {
    push(chunk) {
      kept += chunk;
      if (kept.length > 2 * limit) {
        dropped += kept.length - limit;
        kept = kept.slice(kept.length - limit);
      }
    },
    text() {
      const over = Math.max(0, kept.length - limit);
      const body = kept.slice(over);
      return dropped + over > 0 ? `[... ${dropped + over} characters dropped]\n${body}` : body;
    },
  };
}
