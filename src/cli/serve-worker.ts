/** Entry of one `vintent serve --workers N` worker process (see serve-cluster.ts): the single-process server. */
import { run } from './serve.js';

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `vintent serve worker: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
