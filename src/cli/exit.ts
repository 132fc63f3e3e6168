/**
 * How the `vintent` process ends: with the status a command returned, once
 * everything it wrote has reached the reader, and quietly when the reader
 * has gone away (`vintent demo | head -3`).
 */
import { main } from './main.js';

function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    // The reader closed the pipe: there is no one left to tell; stop with the status decided so far.
    if (err.code === 'EPIPE')
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw err;
  });
}

/**
 * Exit once stdout and stderr have handed on every earlier write:
 * `process.exit` straight away would cut a slow pipe off at its buffer
 * (64 KiB) and report success for output that never arrived. The callback
 * of an empty write runs after every write before it was flushed.
 */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/**
 * Run the CLI on `argv` and end the process as described above.
 *
 * @example
 * // bin/vintent.js
 * runCli(process.argv.slice(2));
 */
export function runCli(argv: readonly string[]): void {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  main([...argv]).then(exitWhenFlushed, (err: unknown) => {
    process.stderr.write(`vintent: ${err instanceof Error ? err.message : String(err)}\n`);
    exitWhenFlushed(2);
  });
}
