import type { User, ValentinaClient } from './api/index.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Store } from './store/types.js';
import type { IdentityService } from './domain/identity.js';
import type { GuildContextService } from './domain/guild-context.js';
import type { CompanyDirectory } from './domain/directory.js';
import type { QuickrollCatalog } from './domain/quickrolls.js';
import type { ApprovalAnnouncer } from './discord/approval-announcer.js';
import type { ChartRenderer } from './render/chart/chart-renderer.js';
import type { AttachmentDownloader } from './domain/attachment-download.js';
import type { NoteBook } from './domain/notes.js';
import type { AwardService } from './domain/awards/award-service.js';
import type { InteractionTelemetry } from './discord/interaction-telemetry.js';
import type { StatusBoard } from './domain/status-board.js';
import type { CampaignDefaults } from './domain/campaign-defaults.js';
import type { CommandMentions } from './discord/command-mentions.js';
import type { SignInService } from './domain/sign-in/sign-in-service.js';

/** Told when a member registered through the bot (the approvals feature posts a card). */
export type RegisteredHook = (event: { guildId: string; companyId: string; user: User; discordUserId: string }) => Promise<void>;

export interface Clock {
  now(): number;
  /** Waits (tests inject a fast one); a real timer when absent. */
  sleep?(ms: number): Promise<void>;
}

/** Everything a handler may use, built once in src/main.ts. */
export interface Deps {
  config: Config;
  log: Logger;
  api: ValentinaClient;
  store: Store;
  identity: IdentityService;
  guilds: GuildContextService;
  directory: CompanyDirectory;
  /** Members' quickrolls, characters and traits, cached briefly for autocomplete and rolls. */
  quickrolls: QuickrollCatalog;
  clock: Clock;
  /** XP and cool-point awards: journal first, then the API, with start-up recovery. */
  awards: AwardService;
  /** Downloads Discord attachments under the asset policy (size, type, hosts). */
  attachments: AttachmentDownloader;
  /** Members' notes, with a short-lived list cache for autocomplete. */
  notes: NoteBook;
  /** Stats charts, drawn and encoded on a worker thread. */
  charts: ChartRenderer;
  /** The campaign a command defaults to where it was used: the category's, else the server's. */
  campaignDefaults: CampaignDefaults;
  /** Deployed command ids, for clickable mentions in /help. */
  commandMentions: CommandMentions;
  onRegistered?: RegisteredHook;
  /** Posts approval cards and turns them into receipts; absent when there is no Discord client. */
  approvals?: ApprovalAnnouncer;
  /** Told about every finished interaction (metrics); absent when the HTTP listener is off. */
  telemetry?: InteractionTelemetry;
  /** What /setup status reports: start time, the last award recovery, API latency. */
  status?: StatusBoard;
  /** "Sign in with Discord" (v2 /register and /link); absent unless PUBLIC_URL is set. */
  signIn?: SignInService;
}
