import { idGenerationOf } from '../../api/index.js';
import type { Deps } from '../../deps.js';
import type { AwardEntry } from '../../store/types.js';

export const LEDGER_PAGE_SIZE = 10;

export interface LedgerFilter {
  guildId: string;
  companyId: string;
  /** null: every member (storytellers and admins only). */
  targetUserId: string | null;
  /** The member's Discord id, which finds their entries from before a server upgrade. */
  targetDiscordId?: string | null;
  campaignId: string | null;
}

export interface LedgerPage {
  items: AwardEntry[];
  total: number;
  /** Zero-based, clamped to the last page. */
  page: number;
  pages: number;
}

/**
 * The guild's companies from before a server upgrade: their ids are of the other API generation,
 * so their entries are history, shown but never sent to the new server.
 */
export async function historyCompanies(deps: Pick<Deps, 'store' | 'api'>, guildId: string): Promise<string[]> {
  const current = deps.api.apiVersion;
  return (await deps.store.awards.companiesOf(guildId)).filter((id) => {
    const generation = idGenerationOf(id);
    return generation !== undefined && generation !== current;
  });
}

/** True when an entry was made on the server generation before an upgrade (its ids cannot be sent). */
export function isHistoryEntry(deps: Pick<Deps, 'api'>, entry: Pick<AwardEntry, 'companyId'>): boolean {
  const generation = idGenerationOf(entry.companyId);
  return generation !== undefined && generation !== deps.api.apiVersion;
}

/**
 * One page of the journal, newest first. A page past the end shows the last one. Entries from
 * before a server upgrade are included (a member's by their Discord id, as their user id changed).
 */
export async function readLedger(deps: Pick<Deps, 'store'> & Partial<Pick<Deps, 'api'>>, filter: LedgerFilter, page: number): Promise<LedgerPage> {
  const history = deps.api === undefined ? [] : await historyCompanies({ store: deps.store, api: deps.api }, filter.guildId);
  const query = {
    guildId: filter.guildId,
    companyId: filter.companyId,
    ...(history.length === 0 ? {} : { historyCompanyIds: history, targetDiscordId: filter.targetDiscordId ?? '' }),
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
