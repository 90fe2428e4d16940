import { roleLabel } from './roles.js';

/**
 * Who a command entry is meant for, as `/help` lists it (handlers still check for themselves):
 * `newcomer` members not linked yet, `member` any approved user,
 * `storyteller` storytellers and admins, `awarder` whoever may award XP under the server's XP
 * policy (storytellers and admins by default), `admin` admins only, `everyone` all of them.
 */
export type HelpAudience = 'everyone' | 'newcomer' | 'member' | 'storyteller' | 'awarder' | 'admin';

/** The member asking for help: their linked role (null when not linked), and whether they may award XP here. */
export interface HelpReader {
  role: string | null;
  mayAward?: boolean;
}

export function mayUse(audience: HelpAudience, reader: HelpReader): boolean {
  const role = reader.role;
  const approved = role !== null && role !== 'UNAPPROVED';
  switch (audience) {
    case 'everyone':
      return true;
    case 'newcomer':
      return role === null;
    case 'member':
      return approved;
    case 'storyteller':
      return role === 'STORYTELLER' || role === 'ADMIN';
    case 'awarder':
      return approved && reader.mayAward === true;
    case 'admin':
      return role === 'ADMIN';
  }
}

export const AUDIENCE_TEXT: Readonly<Record<HelpAudience, string>> = {
  everyone: 'everyone',
  newcomer: 'members who are not registered yet',
  member: 'every approved member',
  storyteller: 'storytellers and admins',
  awarder: 'members who may award XP on this server',
  admin: 'admins',
};

/** "You are linked as **Player**." and the like, for the top of the overview. */
export function readerLine(reader: HelpReader): string {
  if (reader.role === null) return 'You are not registered yet. Run `/register` to ask for access; an admin approves it.';
  if (reader.role === 'UNAPPROVED') return 'Your registration is waiting for an admin\'s approval. Until then you can use:';
  return `You are linked as **${roleLabel(reader.role)}**. These are the commands you can use:`;
}
