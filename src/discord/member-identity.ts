import type { User } from 'discord.js';
import type { DiscordIdentity } from '../domain/members.js';

export function identityOf(user: User): DiscordIdentity {
  return {
    id: user.id,
    username: user.username,
    globalName: user.globalName,
    avatarId: user.avatar,
    avatarUrl: user.avatar === null ? null : user.displayAvatarURL({ size: 256 }),
    discriminator: user.discriminator === '0' ? null : user.discriminator,
  };
}
