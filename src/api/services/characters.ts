import { CharacterSchema, pageSchema, type Character, type CharacterClass, type CharacterStatus, type CharacterType, type Page } from '../models.js';
import { collect, type IterOptions, type PageOptions } from '../pagination.js';
import type { Route } from '../wire.js';
import { ApiResource, headersOf, type ServiceContext } from './resource.js';

const CharacterPageSchema = pageSchema(CharacterSchema);

export interface CharacterFilters {
  /** The user who plays the character ("my characters"). */
  userPlayerId?: string;
  userCreatorId?: string;
  characterClass?: CharacterClass;
  characterType?: CharacterType;
  status?: CharacterStatus;
}

/**
 * Characters of one campaign, as the acting user sees them (archived and temporary characters are
 * excluded by the server). v1 nests them under the campaign; v2 lists them company-wide with a
 * `campaign_id` filter and hides STORYTELLER characters from players.
 */
export class CharactersService extends ApiResource {
  readonly #companyId: string;
  readonly #userId: string;
  readonly #campaignId: string;

  constructor(ctx: ServiceContext, companyId: string, userId: string, campaignId: string) {
    super(ctx);
    this.#companyId = companyId;
    this.#userId = userId;
    this.#campaignId = campaignId;
  }

  async getPage(options: CharacterFilters & PageOptions = {}): Promise<Page<Character>> {
    return this.fetchPage(this.#route(), this.#filters(options), CharacterPageSchema, options);
  }

  async listAll(filters: CharacterFilters = {}): Promise<Character[]> {
    return collect(this.iterAll(filters));
  }

  iterAll(options: CharacterFilters & IterOptions = {}): AsyncIterable<Character> {
    return this.iterate(this.#route(), this.#filters(options), CharacterPageSchema, options.limit);
  }

  async get(characterId: string): Promise<Character> {
    const route = this.wire.character({
      companyId: this.validate.id('companyId', this.#companyId),
      actingUserId: this.validate.id('userId', this.#userId),
      campaignId: this.validate.id('campaignId', this.#campaignId),
      characterId: this.validate.id('characterId', characterId),
    });
    return this.transport.request({ method: 'GET', path: route.path, query: route.query, ...headersOf(route) }, CharacterSchema);
  }

  #route(): Route {
    return this.wire.characters({
      companyId: this.validate.id('companyId', this.#companyId),
      actingUserId: this.validate.id('userId', this.#userId),
      campaignId: this.validate.id('campaignId', this.#campaignId),
    });
  }

  #filters(filters: CharacterFilters): Record<string, string | undefined> {
    return {
      user_player_id: this.validate.optionalId('userPlayerId', filters.userPlayerId),
      user_creator_id: this.validate.optionalId('userCreatorId', filters.userCreatorId),
      character_class: filters.characterClass,
      character_type: filters.characterType,
      status: filters.status,
    };
  }
}
