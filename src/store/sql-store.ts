import { createApprovalCardRepo } from './approval-card-repo.js';
import { createAwardJournalRepo } from './award-journal-repo.js';
import { createCategoryCampaignRepo } from './category-campaign-repo.js';
import { createDraftRepo } from './draft-repo.js';
import { createGuildSettingsRepo } from './guild-settings-repo.js';
import { createMemberLinkRepo } from './member-link-repo.js';
import { createSignInStateRepo } from './sign-in-state-repo.js';
import type { SqlDb } from './sql-db.js';
import type { Store } from './types.js';

/** Assembles the repositories over either engine's adapter. */
export function createSqlStore(
  kind: Store['kind'],
  db: SqlDb,
  clock: () => number,
  closeDb: () => Promise<void>,
): Store {
  let closing: Promise<void> | undefined;
  return {
    kind,
    guildSettings: createGuildSettingsRepo(db, clock),
    memberLinks: createMemberLinkRepo(db),
    awards: createAwardJournalRepo(db),
    approvalCards: createApprovalCardRepo(db),
    drafts: createDraftRepo(db),
    async ping() {
      await db.all('SELECT 1 AS ok');
    },
    categoryCampaigns: createCategoryCampaignRepo(db, clock),
    signInStates: createSignInStateRepo(db),
    close() {
      closing ??= closeDb();
      return closing;
    },
  };
}
