export type Role = 'ADMIN' | 'STORYTELLER' | 'PLAYER' | 'UNAPPROVED';

export const ROLE_LABELS: Readonly<Record<string, string>> = {
  ADMIN: 'Admin',
  STORYTELLER: 'Storyteller',
  PLAYER: 'Player',
  UNAPPROVED: 'Awaiting approval',
};

export function roleLabel(role: string): string {
  return ROLE_LABELS[role] ?? role;
}

export function isStaff(role: string): boolean {
  return role === 'ADMIN' || role === 'STORYTELLER';
}
