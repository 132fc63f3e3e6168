/**
 * Ledger options. `hooks` are test-only seams: the crash-safety tests pass a
 * hook that SIGKILLs the process while the authorization transaction is open,
 * to prove an interrupted decision leaves no trace.
 */
export interface LedgerHooks {
  /** Called inside the open authorize transaction, after the decision row is written, before commit. */
  afterInsert?: () => void;
}

export interface LedgerOptions {
  hooks?: LedgerHooks;
  /**
   * SQLite: decide authorizations that arrive while a commit is pending in
   * one transaction with one fsync (src/ledger/group-commit.ts). Default true;
   * false gives one transaction per decision.
   */
  groupCommit?: boolean;
  /**
   * Told how many decisions each committed transaction carried: group-commit
   * batch sizes on SQLite, 1 per decision otherwise (metrics).
   */
  onCommit?: (decisions: number) => void;
}
