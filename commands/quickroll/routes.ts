import type { CommandRoutes } from '../../src/discord/command.js';
import { characterNames, quickrollNames, traitNames } from './autocomplete.js';
import { confirmDeleteRoute, createRoute, deleteRoute, editRoute, keepRoute, listRoute, pageRoute } from './manage.js';
import { rerollRoute, rollRoute } from './roll.js';

export const quickrollRoutes: CommandRoutes = {
  slash: {
    'quickroll roll': rollRoute,
    'quickroll create': createRoute,
    'quickroll list': listRoute,
    'quickroll edit': editRoute,
    'quickroll delete': deleteRoute,
  },
  autocomplete: {
    'quickroll roll#name': quickrollNames,
    'quickroll roll#character': characterNames,
    'quickroll create#traits': traitNames,
    'quickroll create#character': characterNames,
    'quickroll edit#name': quickrollNames,
    'quickroll edit#traits': traitNames,
    'quickroll delete#name': quickrollNames,
  },
  components: [rerollRoute, pageRoute, confirmDeleteRoute, keepRoute],
};
