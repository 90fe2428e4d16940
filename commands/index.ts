import type { CommandModule } from '../src/discord/command.js';
import { approvals } from './approvals/index.js';
import { asset } from './asset/index.js';
import { link } from './link/index.js';
import { note } from './note/index.js';
import { quickroll } from './quickroll/index.js';
import { register } from './register/index.js';
import { setup } from './setup/index.js';
import { stats } from './stats/index.js';
import { user } from './user/index.js';
import { whoami } from './whoami/index.js';
import { xp } from './xp/index.js';
import { coolpoints } from './coolpoints/index.js';
import { roll } from './roll/index.js';
import { helpCommand } from './help/index.js';

/** Every command the bot has: the router and the deploy script read this one list. */
export const commandModules: readonly CommandModule[] = [setup, register, link, whoami, asset, note, quickroll, stats, approvals, user, xp, coolpoints, roll, helpCommand(() => commandModules)];
