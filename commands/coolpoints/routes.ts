import type { CommandRoutes } from '../../src/discord/command.js';
import { campaignAutocomplete, sceneRoute, singleAwardRoute } from '../xp/shared.js';

export const coolpointsRoutes: CommandRoutes = {
  slash: {
    'coolpoints award': singleAwardRoute('CP_ADD'),
    'coolpoints scene': sceneRoute('CP_ADD'),
  },
  autocomplete: {
    'coolpoints award#campaign': campaignAutocomplete,
    'coolpoints scene#campaign': campaignAutocomplete,
  },
};
