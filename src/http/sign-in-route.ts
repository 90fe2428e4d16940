import type { SignInService } from '../domain/sign-in/sign-in-service.js';
import { SIGN_IN_PAGE_HEADERS, renderSignInHtml, signInPageFor } from '../render/sign-in-page.js';
import type { HttpRoute } from './server.js';

/** Where Discord sends the browser back; register `<PUBLIC_URL>` + this in the developer portal. */
export const SIGN_IN_CALLBACK_PATH = '/oauth/discord/callback';

/** The Discord OAuth2 callback: finishes the sign-in and answers with a small HTML page. */
export function signInRoute(signIn: SignInService): HttpRoute {
  return {
    path: SIGN_IN_CALLBACK_PATH,
    async handle(req) {
      // A HEAD (a link checker, a prefetch) must not spend the single-use state.
      if (req.method === 'HEAD') return { status: 200, headers: { ...SIGN_IN_PAGE_HEADERS } };
      const one = (name: string) => (req.query.getAll(name).length === 1 ? req.query.get(name) : null);
      const outcome = await signIn.complete({ state: one('state'), code: one('code'), error: one('error') });
      const page = signInPageFor(outcome);
      return { status: page.status, headers: { ...SIGN_IN_PAGE_HEADERS }, body: renderSignInHtml(page) };
    },
  };
}
