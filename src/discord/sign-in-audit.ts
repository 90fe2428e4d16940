import type { Client } from 'discord.js';
import type { Deps } from '../deps.js';
import type { AdminLinkedHook } from '../domain/sign-in/sign-in-service.js';
import { displayName } from '../domain/members.js';
import { renderLinkAudit } from '../render/link-audit.js';
import { postAudit } from './audit.js';

/** Posts the audit line of a /link the member finished by signing in. */
export function signInAuditPoster(client: Client, deps: Pick<Deps, 'guilds' | 'log' | 'directory'>): AdminLinkedHook {
  return async ({ state, user, resolution }) => {
    if (state.requestedByDiscordId === null) return;
    const pickedId = state.requestedUserId;
    const pickedUser = pickedId === null ? undefined : (await deps.directory.listUsers(state.companyId).catch(() => [])).find((u) => u.id === pickedId);
    const picked = pickedId === null ? null : { id: pickedId, name: pickedUser === undefined ? pickedId : displayName(pickedUser) };
    await postAudit(client, deps, state.guildId, renderLinkAudit({ memberDiscordId: state.memberDiscordId, adminDiscordId: state.requestedByDiscordId, user, picked, via: 'sign-in', resolution }));
  };
}
