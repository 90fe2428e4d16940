import { CharacterTraitSchema, pageSchema, type CharacterTrait, type Page } from '../models.js';
import { collect, type IterOptions, type PageOptions } from '../pagination.js';
import type { Route } from '../wire.js';
import { ApiResource, type ServiceContext } from './resource.js';

const CharacterTraitPageSchema = pageSchema(CharacterTraitSchema);

export interface CharacterTraitFilters {
  parentCategoryId?: string;
}

/** A character's trait values, each with its embedded blueprint trait (names for labels). */
export class CharacterTraitsService extends ApiResource {
  readonly #companyId: string;
  readonly #userId: string;
  readonly #campaignId: string;
  readonly #characterId: string;

  constructor(ctx: ServiceContext, companyId: string, userId: string, campaignId: string, characterId: string) {
    super(ctx);
    this.#companyId = companyId;
    this.#userId = userId;
    this.#campaignId = campaignId;
    this.#characterId = characterId;
  }

  async getPage(options: CharacterTraitFilters & PageOptions = {}): Promise<Page<CharacterTrait>> {
    return this.fetchPage(this.#route(), this.#filters(options), CharacterTraitPageSchema, options);
  }

  async listAll(filters: CharacterTraitFilters = {}): Promise<CharacterTrait[]> {
    return collect(this.iterAll(filters));
  }

  iterAll(options: CharacterTraitFilters & IterOptions = {}): AsyncIterable<CharacterTrait> {
    return this.iterate(this.#route(), this.#filters(options), CharacterTraitPageSchema, options.limit);
  }

  #route(): Route {
    const character = this.wire.character({
      companyId: this.validate.id('companyId', this.#companyId),
      actingUserId: this.validate.id('userId', this.#userId),
      campaignId: this.validate.id('campaignId', this.#campaignId),
      characterId: this.validate.id('characterId', this.#characterId),
    });
    return { ...character, path: `${character.path}/traits` };
  }

  /** v1 `parent_category_id`, v2 `category_id` (the profile names it). */
  #filters(filters: CharacterTraitFilters): Record<string, string | undefined> {
    return { [this.wire.traitCategoryFilter]: this.validate.optionalId('parentCategoryId', filters.parentCategoryId) };
  }
}
