/**
 * The one ordered list of schema changes shared by the SQLite and PostgreSQL stores.
 * Never edit or reorder a migration that has shipped: append a new one instead.
 * Most statements are written in the SQL both engines accept; where they differ
 * (auto-increment ids), a migration carries one text per engine.
 */
export type Migration =
  | { id: string; sql: string }
  | { id: string; sqlite: string; postgres: string };

export type SqlDialect = 'sqlite' | 'postgres';

export function migrationSql(migration: Migration, dialect: SqlDialect): string {
  return 'sql' in migration ? migration.sql : migration[dialect];
}

/** Shared by both engines; `applied_at` is epoch milliseconds like every other timestamp. */
export const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id TEXT PRIMARY KEY,
  applied_at BIGINT NOT NULL
)`;

const awardJournalColumns = `
  key TEXT NOT NULL UNIQUE,
  guild_id TEXT NOT NULL,
  company_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  batch_id TEXT,
  actor_user_id TEXT NOT NULL,
  actor_discord_id TEXT NOT NULL,
  target_user_id TEXT NOT NULL,
  target_discord_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('XP_ADD', 'XP_REMOVE', 'CP_ADD')),
  amount INTEGER NOT NULL,
  reason TEXT,
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'APPLIED', 'FAILED', 'UNDONE')),
  result TEXT,
  error TEXT,
  undo_of BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL`;

const awardJournalIndexes = `
CREATE INDEX award_journal_ledger_idx ON award_journal (guild_id, created_at);
CREATE INDEX award_journal_target_idx ON award_journal (guild_id, target_user_id, created_at);
CREATE INDEX award_journal_batch_idx ON award_journal (batch_id);
CREATE INDEX award_journal_status_idx ON award_journal (status);`;

export const migrations: readonly Migration[] = [
  {
    id: '0001_guild_settings',
    sql: `CREATE TABLE guild_settings (
  guild_id TEXT PRIMARY KEY,
  company_id TEXT,
  default_campaign_id TEXT,
  approvals_channel_id TEXT,
  audit_channel_id TEXT,
  xp_policy TEXT NOT NULL DEFAULT 'STORYTELLER_ONLY' CHECK (xp_policy IN ('STORYTELLER_ONLY', 'FOLLOW_COMPANY')),
  max_award_amount INTEGER NOT NULL DEFAULT 100,
  updated_at BIGINT NOT NULL
);`,
  },
  {
    id: '0002_member_links',
    // Not unique on (company_id, user_id): upsert removes a user's stale links instead, so two
    // concurrent upserts can never fail on a constraint; reads pick the newest.
    sql: `CREATE TABLE member_links (
  company_id TEXT NOT NULL,
  discord_user_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL,
  resolved_at BIGINT NOT NULL,
  PRIMARY KEY (company_id, discord_user_id)
);
CREATE INDEX member_links_user_idx ON member_links (company_id, user_id);`,
  },
  {
    id: '0003_award_journal',
    sqlite: `CREATE TABLE award_journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT,${awardJournalColumns}
);${awardJournalIndexes}`,
    postgres: `CREATE TABLE award_journal (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,${awardJournalColumns}
);${awardJournalIndexes}`,
  },
  {
    id: '0004_approval_cards',
    sql: `CREATE TABLE approval_cards (
  guild_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'HANDLING', 'APPROVED', 'DENIED', 'MERGED')),
  handled_by_discord_id TEXT,
  outcome TEXT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (guild_id, user_id)
);`,
  },
  {
    id: '0005_drafts',
    sql: `CREATE TABLE drafts (
  id TEXT PRIMARY KEY,
  guild_id TEXT NOT NULL,
  owner_discord_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX drafts_expires_idx ON drafts (expires_at);`,
  },
  {
    id: '0006_award_leases',
    // A PENDING award is settled by one process at a time: the lease names it and says until when.
    // Another process takes over only an expired lease. `failure` tells a definite refusal (safe to
    // send again) from an award Valentina never confirmed (it may have been applied).
    sql: `ALTER TABLE award_journal ADD COLUMN lease_owner TEXT;
ALTER TABLE award_journal ADD COLUMN lease_until BIGINT;
ALTER TABLE award_journal ADD COLUMN failure TEXT CHECK (failure IN ('definite', 'ambiguous'));
CREATE INDEX award_journal_pending_idx ON award_journal (status, lease_until);`,
  },
  {
    // Keyset pages of the ledger export (/xp export): one guild's company, in id order.
    id: '0007_award_journal_export_idx',
    sql: 'CREATE INDEX award_journal_export_idx ON award_journal (guild_id, company_id, id);',
  },
  {
    id: '0008_category_campaigns',
    // The company is kept with the binding: after /setup company rebinds the guild, a binding made
    // for the old company is ignored rather than pointing at another company's campaign.
    sql: `CREATE TABLE category_campaigns (
  guild_id TEXT NOT NULL,
  category_id TEXT NOT NULL,
  company_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (guild_id, category_id)
);`,
  },
  {
    id: '0009_sign_in_states',
    // One row per "Sign in with Discord" link handed out (/register, /link on v2). The callback
    // deletes it in the same statement that reads it, so a state works once, on any process.
    sql: `CREATE TABLE sign_in_states (
  nonce TEXT PRIMARY KEY,
  guild_id TEXT NOT NULL,
  company_id TEXT NOT NULL,
  member_discord_id TEXT NOT NULL,
  channel_id TEXT,
  requested_by_discord_id TEXT,
  requested_user_id TEXT,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sign_in_states_expires_idx ON sign_in_states (expires_at);`,
  },
];
