import type { RouteDef } from './context.js';
import { assetRoutes } from './routes/assets.js';
import { campaignRoutes } from './routes/campaigns.js';
import { companyRoutes } from './routes/companies.js';
import { diceRollRoutes } from './routes/dicerolls.js';
import { experienceRoutes } from './routes/experience.js';
import { noteRoutes } from './routes/notes.js';
import { quickrollRoutes } from './routes/quickrolls.js';
import { userRoutes } from './routes/users.js';

interface CompiledRoute {
  route: RouteDef;
  pattern: RegExp;
  names: string[];
  /** Literal segments count: more specific templates win over `{param}` ones. */
  literals: number;
}

export interface RouteMatch {
  route: RouteDef;
  params: Record<string, string>;
}

function compile(route: RouteDef): CompiledRoute {
  const names: string[] = [];
  let literals = 0;
  const source = route.template
    .split('/')
    .map((segment) => {
      const m = /^\{(\w+)\}$/.exec(segment);
      if (m && m[1] !== undefined) {
        names.push(m[1]);
        return '([^/]+)';
      }
      literals++;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), names, literals };
}

/** Matches a method and path against every route of CONTRACT §3. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: RouteDef[] = [
    ...companyRoutes, ...userRoutes, ...assetRoutes, ...experienceRoutes,
    ...noteRoutes, ...quickrollRoutes, ...diceRollRoutes, ...campaignRoutes,
  ]) {
    this.routes = routes.map(compile).sort((a, b) => b.literals - a.literals);
  }

  match(method: string, path: string): RouteMatch | null {
    for (const compiled of this.routes) {
      if (compiled.route.method !== method) continue;
      const m = compiled.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      compiled.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { route: compiled.route, params };
    }
    return null;
  }

  get templates(): Array<{ method: string; template: string }> {
    return this.routes.map((r) => ({ method: r.route.method, template: r.route.template }));
  }
}
