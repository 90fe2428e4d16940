import type { RouteDef } from '../context.js';
import { isUuid } from '../ids.js';
import type { UserRecord } from '../models.js';
import { GENERIC_BODY_PARAMETER, HttpProblem, forbidden, notFound } from '../problem.js';
import type { FakeState } from '../state.js';

/**
 * The v2 `On-Behalf-Of` guard (CONTRACT-v2 §1.3), run before the handler: required routes refuse a
 * missing header (400), every route that reads it refuses an unusable, unknown or archived user
 * (404) and an UNAPPROVED (except approve/deny/identify) or DEACTIVATED one (403). Routes that
 * ignore the header never look at it. The acting user is not required to be in the path company.
 */
export function actingUserGuard(state: FakeState, route: RouteDef, value: string | undefined, path: string): UserRecord | undefined {
  const rule = route.onBehalfOf;
  if (rule === undefined) return undefined;
  if (value === undefined || value === '') {
    if (rule === 'required') {
      throw new HttpProblem(400, `Missing required header parameter 'on-behalf-of' for path ${path}`, {
        invalid_parameters: [GENERIC_BODY_PARAMETER],
      });
    }
    return undefined;
  }
  const user = isUuid(value.toLowerCase()) ? state.users.get(value.toLowerCase()) : undefined;
  if (user === undefined || user.archived) throw notFound(`User '${value}' not found`);
  if (user.role === 'DEACTIVATED') throw forbidden('User account is deactivated');
  if (user.role === 'UNAPPROVED' && route.unapprovedActorAllowed !== true) throw forbidden('User has not been approved yet');
  return user;
}
