import { createWriteStream } from 'node:fs';
import { finished, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Copies a child's output stream, byte for byte, to a file and hands it on as text
 * (UTF-8, characters split across chunks kept whole). The file is written at the
 * child's pace: when the disk lags, the stream is paused, so memory stays bounded
 * however much the child prints. Resolves once the stream has ended and the file is
 * closed: undefined, or the error that stopped the file (the text keeps flowing then,
 * so the child never blocks on a full pipe).
 *
 * @example
 * const done = logToFile(child.stdout, 'trial-0/stdout.log', (text) => tail.push(text));
 * const error = await done; // after the child's 'close'
 */
export function logToFile(
  source: Readable,
  path: string,
  onText: (text: string) => void,
): Promise<Error | undefined> {
  const file = createWriteStream(path);
  const decoder = new StringDecoder('utf8');
  let failed: Error | undefined;
  file.on('error', (error) => {
    failed ??= error;
    source.resume();
  });
  source.on('data', (chunk: Buffer) => {
    onText(decoder.write(chunk));
    if (failed === undefined && !file.write(chunk)) {
      source.pause();
      file.once('drain', () => source.resume());
    }
  });
  return new Promise((resolve) => {
    finished(source, () => {
      const rest = decoder.end();
      if (rest) onText(rest);
      if (file.closed || file.destroyed) return resolve(failed);
      file.once('close', () => resolve(failed));
      file.end();
    });
  });
}
