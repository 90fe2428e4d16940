import type { APIEmbed } from 'discord-api-types/v10';
import type { BotStatus } from '../domain/bot-status.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

/** "3 d 4 h", "2 h 5 min", "42 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

function valentinaField(v: BotStatus['valentina']): string {
  const version = v.serverVersion === null ? '' : ` · server ${v.serverVersion}`;
  const latency = [v.healthMs === null ? null : `health call ${v.healthMs} ms`, v.recentMedianMs === null ? null : `recent median ${Math.round(v.recentMedianMs)} ms`]
    .filter((x) => x !== null)
    .join(' · ');
  const head =
    v.state === 'online'
      ? `🟢 **Online**${version}`
      : v.state === 'degraded'
        ? `🟠 **Degraded**${version}\nDatabase ${v.database ?? '?'}, cache ${v.cache ?? '?'}`
        : `🔴 **Unreachable**: ${v.problem ?? 'no answer'}`;
  return latency === '' ? head : `${head}\n${latency}`;
}

function recoveryField(status: BotStatus): string {
  const r = status.lastRecovery;
  if (r === null) return '*Not run yet since this process started.*';
  const when = (at: number) => `<t:${Math.floor(at / 1000)}:R>`;
  const counts = (s: { applied: number; failed: number; expired: number }) => `${s.applied} applied, ${s.failed} failed, ${s.expired} expired.`;
  const total = r.applied + r.failed + r.expired;
  if (total > 0) return `${when(r.at)}: ${counts(r)}`;
  const work = status.lastRecoveryWork;
  const earlier = work === null ? '' : `
Last awards finished ${when(work.at)}: ${counts(work)}`;
  return `${when(r.at)}: nothing was left pending.${earlier}`;
}

function shardsField(status: BotStatus): string {
  if (status.shards.length === 0) return '*Not connected to the gateway.*';
  const lines = status.shards.map((s) => `Shard ${s.id}: ${s.ready ? 'READY' : '**not READY**'}${s.pingMs >= 0 ? ` · ${s.pingMs} ms` : ''}`);
  const of = status.shardCount > status.shards.length ? `\nThis process runs ${status.shards.length} of ${status.shardCount} shards.` : '';
  return truncate(lines.join('\n') + of, EMBED_LIMITS.fieldValue);
}

/** /setup status: one private embed an admin can read at a glance. */
export function renderStatusEmbed(status: BotStatus): APIEmbed {
  const shardsDown = status.shards.length === 0 || status.shards.some((s) => !s.ready);
  const color =
    status.valentina.state === 'unreachable' ? COLORS.error : status.valentina.state === 'degraded' || shardsDown || (status.pendingAwards ?? 0) > 0 ? COLORS.warning : COLORS.success;
  const pending =
    status.pendingAwards === null
      ? '*The store did not answer.*'
      : status.pendingAwards === 0
        ? 'None'
        : `**${status.pendingAwards}** (the bot keeps settling them)`;
  return {
    color,
    title: 'Valentina bot status',
    fields: [
      { name: 'Bot', value: `Version **${status.version}** · up ${formatDuration(status.uptimeMs)}`, inline: false },
      { name: 'Valentina API', value: valentinaField(status.valentina), inline: false },
      { name: 'Awards pending settlement', value: pending, inline: true },
      { name: 'Store', value: status.store, inline: true },
      { name: 'Last award recovery', value: recoveryField(status), inline: false },
      { name: 'Gateway', value: shardsField(status), inline: false },
    ],
    footer: { text: 'Pending awards count every server this bot serves.' },
  };
}
