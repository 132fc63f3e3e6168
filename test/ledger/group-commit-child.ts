/**
 * Child process for the group-commit crash tests (run with `node --import tsx`).
 * argv: LEDGER_PATH ACKS_FILE PREFIX ROUNDS [CRASH_AT_INSERT]
 *
 * Runs ROUNDS rounds of BATCH concurrent authorizations (round r on its own
 * L2), so each round is one group-committed batch. After a round's promises
 * resolve, its presentation ids are appended to ACKS_FILE with a synchronous
 * write: what this file lists was acknowledged. With CRASH_AT_INSERT, the
 * process SIGKILLs itself inside the batch transaction at that decision
 * (counted over the whole run), i.e. in the middle of a batch.
 */
import { appendFileSync } from 'node:fs';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { BATCH, batchRequest } from './group-commit-fixtures.js';

async function main(): Promise<void> {
  const [path, acks, prefix, roundsArg, crashArg] = process.argv.slice(2);
  const rounds = Number(roundsArg);
  const crashAt = crashArg === undefined ? Number.POSITIVE_INFINITY : Number(crashArg);
  let inserts = 0;
  const ledger = await openSqliteLedger(path!, {
    hooks: {
      afterInsert: () => {
        if (++inserts === crashAt) process.kill(process.pid, 'SIGKILL');
      },
    },
  });
  for (let r = 0; r < rounds; r++) {
    const decisions = await Promise.all(
      Array.from({ length: BATCH }, (_, i) => ledger.authorize(batchRequest(prefix!, r, i))),
    );
    if (decisions.some((d) => d.decision !== 'approved'))
      throw new Error(`round ${r}: not every decision was an approval`);
    appendFileSync(
      acks!,
      `${Array.from({ length: BATCH }, (_, i) => batchRequest(prefix!, r, i).presentationId).join(' ')}\n`,
    );
  }
  await ledger.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
