import { createHash } from 'node:crypto';
import type { SignInFailure, SignInOutcome } from '../domain/sign-in/sign-in-service.js';
import { displayName } from '../domain/members.js';
import { roleLabel } from '../domain/roles.js';

type Tone = 'success' | 'pending' | 'error';

/** What the person's browser is shown after signing in with Discord. */
export interface SignInPage {
  status: number;
  title: string;
  /** Plain text paragraphs (escaped when rendered). */
  paragraphs: string[];
  tone: Tone;
  backUrl: string;
  backLabel: string;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f2f3f5;--card:#fff;--text:#1e1f22;--muted:#4e5058;--accent:#5865f2;--ok:#1f8b4c;--wait:#b35900;--bad:#c0392b}
@media (prefers-color-scheme:dark){:root{--bg:#1e1f22;--card:#2b2d31;--text:#f2f3f5;--muted:#b5bac1;--ok:#3ba55d;--wait:#f0a04b;--bad:#f0625b}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);color:var(--text);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;padding:24px}
main{max-width:34rem;width:100%;background:var(--card);border-radius:12px;padding:32px 32px 28px;box-shadow:0 8px 24px rgba(0,0,0,.12);border-top:6px solid var(--tone)}
.success{--tone:var(--ok)}.pending{--tone:var(--wait)}.error{--tone:var(--bad)}
p.badge{display:inline-block;font-size:.8rem;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:var(--tone);margin:0 0 8px}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 16px}
p{margin:0 0 12px;color:var(--muted)}
h1+p{color:var(--text)}
a.button{display:inline-block;margin-top:12px;background:var(--accent);color:#fff;text-decoration:none;font-weight:600;padding:10px 18px;border-radius:6px}
a.button:focus-visible{outline:3px solid var(--text);outline-offset:2px}
footer{margin-top:24px;font-size:.8rem;color:var(--muted)}
`.trim();

/** The page's one style block, allowed by hash: the CSP needs no 'unsafe-inline'. */
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** Headers of every sign-in page: no scripts, no external anything, not framed, never cached, no Referer (the URL held a code). */
export const SIGN_IN_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src ${STYLE_HASH}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const BADGE: Record<Tone, string> = { success: 'Linked', pending: 'Registered', error: 'Not linked' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function renderSignInHtml(page: SignInPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(page.title)} · Valentina</title>
<style>${STYLE}</style>
</head>
<body>
<main class="${page.tone}">
<p class="badge">${BADGE[page.tone]}</p>
<h1>${escapeHtml(page.title)}</h1>
${page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<a class="button" href="${escapeHtml(page.backUrl)}">${escapeHtml(page.backLabel)}</a>
<footer>You can close this tab.</footer>
</main>
</body>
</html>
`;
}

const AGAIN = 'Nothing was linked or changed. Run /register in the Discord server again to get a fresh link.';

const FAILURES: Record<SignInFailure, { status: number; title: string; paragraphs: string[] }> = {
  missing_state: { status: 400, title: 'This sign-in link is incomplete', paragraphs: ['The address is missing the part that says who asked for it, so it cannot be used.', AGAIN] },
  invalid_state: { status: 400, title: 'This sign-in link is not valid', paragraphs: ['The address was not made by this bot, or it was changed on the way.', AGAIN] },
  expired_state: { status: 400, title: 'This sign-in link has expired', paragraphs: ['Sign-in links work for 10 minutes.', AGAIN] },
  used_state: { status: 409, title: 'This sign-in link was already used', paragraphs: ['Each sign-in link works once.', 'If you already finished signing in, you are all set: check with /whoami in Discord. Otherwise run /register again for a fresh link.'] },
  declined: { status: 200, title: 'Sign-in cancelled', paragraphs: ['You chose not to share your Discord account with the bot, so nothing was linked.', 'Run /register again whenever you are ready.'] },
  missing_code: { status: 400, title: 'Discord did not finish the sign-in', paragraphs: ['Discord sent you back without a sign-in code.', AGAIN] },
  code_refused: { status: 400, title: 'Discord did not accept this sign-in', paragraphs: ['Discord refused the sign-in code (it may have been used or have expired).', AGAIN] },
  discord_unavailable: { status: 502, title: 'Discord could not be reached', paragraphs: ['The bot could not finish the sign-in with Discord just now.', AGAIN] },
  account_mismatch: { status: 403, title: 'This Discord account does not match', paragraphs: ['You signed in with a different Discord account than the member who asked for this link, so nobody was linked.', 'Sign in with the account you use in the server (switch accounts in Discord first), then run /register again.'] },
  email_required: { status: 400, title: 'Your Discord account has no email address', paragraphs: ['Valentina needs an email address to create your user, and Discord did not share one. Add and verify an email in Discord (User Settings → My Account).', AGAIN] },
  token_refused: { status: 400, title: 'Valentina could not verify your sign-in', paragraphs: ['Discord did not confirm the sign-in to Valentina.', AGAIN] },
  provider_unavailable: { status: 503, title: 'Valentina could not reach Discord', paragraphs: ['Valentina could not check your sign-in with Discord just now. Try again in a few minutes.', AGAIN] },
  valentina_failed: { status: 503, title: 'Valentina is not answering', paragraphs: ['The sign-in worked, but Valentina could not be asked to link you just now. Try again in a few minutes.', AGAIN] },
};

/** A plain https link back to where the member asked (never built from request data). */
function backLink(outcome: SignInOutcome): { url: string; label: string } {
  const s = outcome.state;
  if (s === null) return { url: 'https://discord.com/app', label: 'Open Discord' };
  return { url: `https://discord.com/channels/${s.guildId}${s.channelId === null ? '' : `/${s.channelId}`}`, label: 'Back to Discord' };
}

/** The page for an outcome of SignInService.complete. */
export function signInPageFor(outcome: SignInOutcome): SignInPage {
  const back = backLink(outcome);
  const base = { backUrl: back.url, backLabel: back.label };
  if (!outcome.ok) return { ...base, ...FAILURES[outcome.reason], tone: 'error' };
  const name = displayName(outcome.user);
  if (outcome.resolution === 'created' || outcome.user.role === 'UNAPPROVED') {
    return {
      ...base,
      status: 200,
      tone: 'pending',
      title: 'Registration sent',
      paragraphs: [
        `You signed in with Discord, and your new Valentina user (${name}) is waiting for an admin's approval.`,
        'You can use the bot in the server once an admin approves it.',
      ],
    };
  }
  return {
    ...base,
    status: 200,
    tone: 'success',
    title: 'You are linked',
    paragraphs: [`Your Discord account now acts as ${name} in this server's Valentina company (role: ${roleLabel(outcome.user.role)}).`, 'Head back to Discord: /whoami shows your user and XP.'],
  };
}
