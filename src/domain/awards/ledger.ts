import type { Deps } from '../../deps.js';
import type { AwardEntry } from '../../store/types.js';

export const LEDGER_PAGE_SIZE = 10;

export interface LedgerFilter {
  guildId: string;
  companyId: string;
  /** null: every member (storytellers and admins only). */
  targetUserId: string | null;
  campaignId: string | null;
}

export interface LedgerPage {
  items: AwardEntry[];
  total: number;
  /** Zero-based, clamped to the last page. */
  page: number;
  pages: number;
}

/** One page of the journal, newest first. A page past the end shows the last one. */
export async function readLedger(deps: Pick<Deps, 'store'>, filter: LedgerFilter, page: number): Promise<LedgerPage> {
  const query = {
    guildId: filter.guildId,
    companyId: filter.companyId,
    ...(filter.targetUserId === null ? {} : { targetUserId: filter.targetUserId }),
    ...(filter.campaignId === null ? {} : { campaignId: filter.campaignId }),
    limit: LEDGER_PAGE_SIZE,
  };
  const wanted = Math.max(0, Math.trunc(page));
  let result = await deps.store.awards.listLedger({ ...query, offset: wanted * LEDGER_PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(result.total / LEDGER_PAGE_SIZE));
  const shown = Math.min(wanted, pages - 1);
  if (shown !== wanted) result = await deps.store.awards.listLedger({ ...query, offset: shown * LEDGER_PAGE_SIZE });
  return { items: result.items, total: result.total, page: shown, pages };
}
