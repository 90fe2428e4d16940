/**
 * The bench's world: the e2e harness (fake Discord, fake Valentina, store, commands deployed),
 * with the in-process bot stopped (the measured bots run as child processes), plus:
 * - 25 players with a character, a quickroll and past rolls in the harness's company and guild
 *   (the mix's invokers and award targets, and the scene);
 * - a second company of 5,000 users bound to a second guild, for the cold start;
 * - on demand, a third company whose 10,000 users are the members of a 10,000-member guild.
 */
import type { FakeGuild } from '../../test/fakes/discord/index.js';
import { startWorld, type World } from '../../test/e2e/harness.js';

export const PLAYER_COUNT = 25;
export const QUICKROLL_NAME = 'Shoot';
/** Everyday member permissions, as the harness gives its non-admin members. */
const MEMBER_PERMISSIONS = '2150747136';

export interface BenchPlayer {
  discordId: string;
  userId: string;
}

export interface ColdCompany {
  companyId: string;
  guildId: string;
  channelId: string;
  users: number;
  storyteller: BenchPlayer;
  player: BenchPlayer;
}

export interface BigGuild {
  companyId: string;
  guildId: string;
  channelId: string;
  memberIds: string[];
}

export interface BenchWorld {
  world: World;
  players: BenchPlayer[];
  cold: ColdCompany;
  /** Environment for a bot child (the harness's, with a short shutdown). */
  env: Record<string, string>;
  addBigGuild(members: number): Promise<BigGuild>;
  stop(): Promise<void>;
}

/** Snowflake-shaped ids in a range of their own per purpose. */
const snowflake = (base: bigint, i: number): string => (base + BigInt(i)).toString();

export async function startBenchWorld(opts: { apiLatencyMs: number; coldUsers: number }): Promise<BenchWorld> {
  const world = await startWorld({
    // Response validation is the fake's own CPU, spent in the parent next to the load generator.
    valentina: { latencyMs: opts.apiLatencyMs, validateResponses: false },
    logLevel: 'info',
    // HTTP_PORT as the Dockerfile sets it (health, readiness and /metrics on), on an ephemeral port.
    env: { SHUTDOWN_TIMEOUT_MS: '3000', HTTP_PORT: '0' },
  });
  await world.bot.stop('bench: measured bots run in child processes');
  const { discord, valentina } = world;
  const state = valentina.state;

  const players: BenchPlayer[] = [];
  for (let i = 0; i < PLAYER_COUNT; i++) {
    const discordId = snowflake(310_000_000_000_000_000n, i);
    discord.addUser({ id: discordId, username: `pc${i}`, globalName: `Player ${i}` });
    discord.addMember(world.guildId, discordId, { permissions: MEMBER_PERMISSIONS });
    const user = state.addUser(world.companyId, { role: 'PLAYER', name_first: `Player`, name_last: `No${i}`, username: `pc${i}`, discord_id: discordId });
    const character = state.addCharacter(world.companyId, world.campaignId, {
      user_player_id: user.id,
      name_first: `Neonate`,
      name_last: `No${i}`,
      traits: [
        { name: 'Dexterity', value: 3 },
        { name: 'Firearms', value: 2 },
        { name: 'Strength', value: 2 },
        { name: 'Brawl', value: 1 },
      ],
    });
    const quickroll = state.addQuickroll(user.id, { name: QUICKROLL_NAME, description: 'Pistol at range', trait_names: ['Dexterity', 'Firearms'] });
    for (let r = 0; r < 8; r++) {
      state.addDiceRoll(world.companyId, user.id, { num_dice: 5, trait_ids: quickroll.trait_ids, character_id: character.id, campaign_id: world.campaignId });
    }
    players.push({ discordId, userId: user.id });
  }

  // Cold start: a company of `coldUsers` users, every one with a Discord profile.
  const coldCompany = state.addCompany({ name: 'Cold Start Coterie' });
  const coldCampaign = state.addCampaign(coldCompany.id, { name: 'Long Night' });
  const coldUsers = state.addUsers(coldCompany.id, opts.coldUsers, (i) => ({
    role: i === 0 ? 'STORYTELLER' : 'PLAYER',
    discord_id: snowflake(320_000_000_000_000_000n, i),
  }));
  const coldGuild = discord.addGuild({ name: 'Cold Start Coterie', channels: [{ name: 'general' }, { name: 'xp-log' }] });
  const coldMember = (index: number): BenchPlayer => {
    const user = coldUsers[index];
    if (user === undefined) throw new Error(`cold company has no user ${index}`);
    const discordId = snowflake(320_000_000_000_000_000n, index);
    discord.addUser({ id: discordId, username: `cold${index}` });
    discord.addMember(coldGuild.id, discordId, { permissions: MEMBER_PERMISSIONS });
    return { discordId, userId: user.id };
  };
  const storytellerIndex = 0;
  const cold: ColdCompany = {
    companyId: coldCompany.id,
    guildId: coldGuild.id,
    channelId: coldGuild.channel('general').id,
    users: coldUsers.length,
    storyteller: coldMember(storytellerIndex),
    player: coldMember(coldUsers.length - 1),
  };
  await world.store.guildSettings.upsert(coldGuild.id, {
    companyId: coldCompany.id,
    defaultCampaignId: coldCampaign.id,
    auditChannelId: coldGuild.channel('xp-log').id,
  });

  return {
    world,
    players,
    cold,
    env: { ...world.env },
    async addBigGuild(members) {
      const company = state.addCompany({ name: 'Big Server Domain' });
      const campaign = state.addCampaign(company.id, { name: 'Masquerade' });
      const guild: FakeGuild = discord.addGuild({ name: 'Big Server', memberCount: members, guildCreateMembers: 'all' });
      const memberIds = discord.addMembers(guild.id, members, { usernamePrefix: 'big' });
      state.addUsers(company.id, memberIds.length, (i) => ({ role: 'PLAYER', discord_id: memberIds[i] ?? '' }));
      await world.store.guildSettings.upsert(guild.id, { companyId: company.id, defaultCampaignId: campaign.id });
      return { companyId: company.id, guildId: guild.id, channelId: guild.textChannelId, memberIds };
    },
    stop: () => world.stop(),
  };
}
