/** The longest award reason kept (shown on receipts and in the ledger); the slash option declares it too. */
export const REASON_MAX = 200;
