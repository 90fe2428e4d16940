import { DiscordHttpError, ErrorCode } from './errors.js';
import { isRecord } from './http-util.js';

interface FieldError {
  code: string;
  message: string;
}

/**
 * Collects errors in Discord's nested `Invalid Form Body` shape
 * (`{ embeds: { 0: { title: { _errors: [...] } } } }`).
 */
class FormErrors {
  readonly tree: Record<string, unknown> = {};
  count = 0;

  add(path: Array<string | number>, error: FieldError): void {
    let node: Record<string, unknown> = this.tree;
    for (const key of path) {
      const next = node[String(key)];
      if (isRecord(next)) node = next;
      else {
        const created: Record<string, unknown> = {};
        node[String(key)] = created;
        node = created;
      }
    }
    const list = node['_errors'];
    if (Array.isArray(list)) list.push(error);
    else node['_errors'] = [error];
    this.count++;
  }

  maxLength(path: Array<string | number>, value: unknown, max: number, min = 0): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string') {
      this.add(path, { code: 'STRING_TYPE_CONVERT', message: 'Could not interpret value as string.' });
      return;
    }
    if (value.length > max) {
      this.add(path, { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
    } else if (value.length < min) {
      this.add(path, { code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${min} or more in length.` });
    }
  }

  throwIfAny(): void {
    if (this.count > 0) throw new DiscordHttpError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', this.tree);
  }
}

const strLen = (v: unknown): number => (typeof v === 'string' ? v.length : 0);

function validateEmbeds(errors: FormErrors, embeds: unknown): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) {
    errors.add(['embeds'], { code: 'LIST_TYPE_CONVERT', message: 'Must be an array.' });
    return;
  }
  if (embeds.length > 10) errors.add(['embeds'], { code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' });
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    if (!isRecord(embed)) return;
    errors.maxLength(['embeds', i, 'title'], embed['title'], 256);
    errors.maxLength(['embeds', i, 'description'], embed['description'], 4096);
    total += strLen(embed['title']) + strLen(embed['description']);
    const footer = embed['footer'];
    if (isRecord(footer)) {
      errors.maxLength(['embeds', i, 'footer', 'text'], footer['text'], 2048);
      total += strLen(footer['text']);
    }
    const author = embed['author'];
    if (isRecord(author)) {
      errors.maxLength(['embeds', i, 'author', 'name'], author['name'], 256);
      total += strLen(author['name']);
    }
    const fields = embed['fields'];
    if (Array.isArray(fields)) {
      if (fields.length > 25) {
        errors.add(['embeds', i, 'fields'], { code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
      }
      fields.forEach((field: unknown, j) => {
        if (!isRecord(field)) return;
        errors.maxLength(['embeds', i, 'fields', j, 'name'], field['name'], 256, 1);
        errors.maxLength(['embeds', i, 'fields', j, 'value'], field['value'], 1024, 1);
        total += strLen(field['name']) + strLen(field['value']);
      });
    }
  });
  if (total > 6000) {
    errors.add(['embeds'], { code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
  }
}

function validateComponent(errors: FormErrors, path: Array<string | number>, c: unknown, ids: Set<string>): void {
  if (!isRecord(c)) return;
  const type = c['type'];
  const customId = c['custom_id'];
  if (typeof customId === 'string') {
    errors.maxLength([...path, 'custom_id'], customId, 100, 1);
    if (ids.has(customId)) {
      errors.add([...path, 'custom_id'], { code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
    }
    ids.add(customId);
  }
  const children = c['components'];
  if (type === 1 && Array.isArray(children)) {
    if (children.length < 1 || children.length > 5) {
      errors.add([...path, 'components'], { code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 5 in length.' });
    }
  }
  if (Array.isArray(children)) children.forEach((child, i) => validateComponent(errors, [...path, 'components', i], child, ids));
  if (isRecord(c['component'])) validateComponent(errors, [...path, 'component'], c['component'], ids);
  if (type === 2) {
    errors.maxLength([...path, 'label'], c['label'], 80);
    if (c['style'] === 5 && typeof c['url'] !== 'string') errors.add([...path, 'url'], { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    if (c['style'] !== 5 && c['style'] !== 6 && typeof customId !== 'string') {
      errors.add([...path, 'custom_id'], { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    }
  }
  if (type === 3 || type === 5 || type === 6 || type === 7 || type === 8) {
    errors.maxLength([...path, 'placeholder'], c['placeholder'], 150);
    const options = c['options'];
    if (type === 3) {
      if (!Array.isArray(options) || options.length < 1 || options.length > 25) {
        errors.add([...path, 'options'], { code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 25 in length.' });
      } else {
        options.forEach((o: unknown, i) => {
          if (!isRecord(o)) return;
          errors.maxLength([...path, 'options', i, 'label'], o['label'], 100, 1);
          errors.maxLength([...path, 'options', i, 'value'], o['value'], 100, 1);
          errors.maxLength([...path, 'options', i, 'description'], o['description'], 100);
        });
      }
    }
    for (const key of ['min_values', 'max_values']) {
      const v = c[key];
      if (typeof v === 'number' && (v < 0 || v > 25)) {
        errors.add([...path, key], { code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 25.' });
      }
    }
  }
  if (type === 4) {
    errors.maxLength([...path, 'label'], c['label'], 45);
    errors.maxLength([...path, 'placeholder'], c['placeholder'], 100);
    errors.maxLength([...path, 'value'], c['value'], 4000);
  }
  if (type === 18) {
    errors.maxLength([...path, 'label'], c['label'], 45, 1);
    errors.maxLength([...path, 'description'], c['description'], 100);
  }
}

function validateComponents(errors: FormErrors, components: unknown, flags: number): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) {
    errors.add(['components'], { code: 'LIST_TYPE_CONVERT', message: 'Must be an array.' });
    return;
  }
  // Components v2 (flag 1 << 15) allows up to 40 components in total instead of 5 rows.
  const max = (flags & (1 << 15)) !== 0 ? 40 : 5;
  if (components.length > max) {
    errors.add(['components'], { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
  }
  const ids = new Set<string>();
  components.forEach((c, i) => validateComponent(errors, ['components', i], c, ids));
}

function validateAllowedMentions(errors: FormErrors, am: unknown): void {
  if (!isRecord(am)) return;
  const parse = Array.isArray(am['parse']) ? (am['parse'] as unknown[]) : [];
  for (const kind of ['users', 'roles'] as const) {
    if (parse.includes(kind) && Array.isArray(am[kind]) && (am[kind] as unknown[]).length > 0) {
      errors.add(['allowed_mentions'], {
        code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
        message: `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
      });
    }
  }
}

/**
 * Validates a message create/edit body the way Discord does for the limits a bot is likely to hit:
 * content length, embed limits, component shape and custom_id uniqueness, allowed_mentions.
 */
export function validateMessageBody(body: Record<string, unknown>, opts: { create: boolean; fileCount: number }): void {
  const errors = new FormErrors();
  errors.maxLength(['content'], body['content'], 2000);
  validateEmbeds(errors, body['embeds']);
  const flags = typeof body['flags'] === 'number' ? body['flags'] : 0;
  validateComponents(errors, body['components'], flags);
  validateAllowedMentions(errors, body['allowed_mentions']);
  errors.throwIfAny();
  if (opts.create) {
    const hasContent = typeof body['content'] === 'string' && body['content'].length > 0;
    const hasEmbeds = Array.isArray(body['embeds']) && body['embeds'].length > 0;
    const hasComponents = Array.isArray(body['components']) && body['components'].length > 0;
    const hasAttachments = Array.isArray(body['attachments']) && body['attachments'].length > 0;
    const hasPoll = isRecord(body['poll']);
    if (!hasContent && !hasEmbeds && !hasComponents && opts.fileCount === 0 && !hasAttachments && !hasPoll) {
      throw new DiscordHttpError(400, ErrorCode.EmptyMessage, 'Cannot send an empty message');
    }
  }
}

/** Validates an APPLICATION_COMMAND_AUTOCOMPLETE_RESULT (callback type 8). */
export function validateAutocomplete(data: unknown): void {
  const errors = new FormErrors();
  const choices = isRecord(data) ? data['choices'] : undefined;
  if (!Array.isArray(choices)) {
    errors.add(['data', 'choices'], { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  } else {
    if (choices.length > 25) {
      errors.add(['data', 'choices'], { code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    }
    choices.forEach((c: unknown, i) => {
      if (!isRecord(c)) return;
      errors.maxLength(['data', 'choices', i, 'name'], c['name'], 100, 1);
      if (typeof c['value'] === 'string') errors.maxLength(['data', 'choices', i, 'value'], c['value'], 100);
    });
  }
  errors.throwIfAny();
}

/** Validates a MODAL callback (type 9). */
export function validateModal(data: unknown): void {
  const errors = new FormErrors();
  if (!isRecord(data)) {
    errors.add(['data'], { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    errors.throwIfAny();
    return;
  }
  errors.maxLength(['data', 'title'], data['title'], 45, 1);
  errors.maxLength(['data', 'custom_id'], data['custom_id'], 100, 1);
  const components = data['components'];
  if (!Array.isArray(components) || components.length < 1 || components.length > 5) {
    errors.add(['data', 'components'], { code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 5 in length.' });
  } else {
    const ids = new Set<string>();
    components.forEach((c, i) => validateComponent(errors, ['data', 'components', i], c, ids));
  }
  errors.throwIfAny();
}
