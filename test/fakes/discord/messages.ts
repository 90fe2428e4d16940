import type { APIAttachment, APIMessage, APIUser, MessageType } from 'discord-api-types/v10';
import { DiscordHttpError, ErrorCode } from './errors.js';
import { isRecord, type UploadedFile } from './http-util.js';
import type { StoredMessage, World } from './world.js';

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;

/** Builds and edits messages the way Discord stores them: attachments on the CDN, mentions resolved. */
export class MessageFactory {
  constructor(
    private readonly world: World,
    private readonly cdnUrl: () => string,
  ) {}

  /** Stores uploaded bytes as a CDN attachment and returns its Discord object. */
  storeAttachment(channelId: string, file: { filename: string; contentType: string; bytes: Uint8Array; description?: string }, opts: { declaredSize?: number; slowMs?: number; ephemeral?: boolean } = {}): APIAttachment {
    const id = this.world.ids.next();
    const filename = file.filename.replace(/[^\w.-]/g, '_');
    const path = `attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
    // Real CDN URLs are signed; the fake keeps the shape so code that parses them sees the same thing.
    const sig = `?ex=${Math.floor(Date.now() / 1000 + 86_400).toString(16)}&is=${Math.floor(Date.now() / 1000).toString(16)}&hm=fake`;
    const api: APIAttachment = {
      id,
      filename,
      size: opts.declaredSize ?? file.bytes.byteLength,
      url: `${this.cdnUrl()}/${path}${sig}`,
      proxy_url: `${this.cdnUrl()}/media/${path}${sig}`,
      content_type: file.contentType,
    };
    if (file.description !== undefined) api.description = file.description;
    if (opts.ephemeral === true) api.ephemeral = true;
    this.world.attachments.set(id, { api, bytes: file.bytes, channelId, slowMs: opts.slowMs ?? 0 });
    return api;
  }

  /** Creates (but does not store) a message from a create body. */
  create(opts: {
    channelId: string;
    author: APIUser;
    body: Record<string, unknown>;
    files: UploadedFile[];
    type: MessageType;
    webhookId?: string;
    applicationId?: string;
    interactionMetadata?: Record<string, unknown>;
    extraFlags?: number;
  }): StoredMessage {
    const flags = (typeof opts.body['flags'] === 'number' ? opts.body['flags'] : 0) | (opts.extraFlags ?? 0);
    const ephemeral = (flags & EPHEMERAL) !== 0;
    const guildId = this.world.channelGuild.get(opts.channelId) ?? undefined;
    const message: APIMessage & Record<string, unknown> = {
      id: this.world.ids.next(),
      channel_id: opts.channelId,
      author: opts.author,
      content: '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: opts.type,
      flags,
    };
    if (guildId !== undefined) message['guild_id'] = guildId;
    if (opts.webhookId !== undefined) message.webhook_id = opts.webhookId;
    if (opts.applicationId !== undefined) message.application_id = opts.applicationId;
    if (opts.interactionMetadata !== undefined) (message as Record<string, unknown>)['interaction_metadata'] = opts.interactionMetadata;
    const stored: StoredMessage = { message, ephemeral, allowedMentions: undefined };
    this.apply(stored, opts.body, opts.files, true);
    return stored;
  }

  /** Applies an edit body (content, embeds, components, attachments, allowed_mentions) in place. */
  edit(stored: StoredMessage, body: Record<string, unknown>, files: UploadedFile[]): void {
    this.apply(stored, body, files, false);
    stored.message.edited_timestamp = new Date().toISOString();
    const flags = stored.message.flags ?? 0;
    // Editing a deferred "thinking…" message resolves it.
    if ((flags & LOADING) !== 0) stored.message.flags = flags & ~LOADING;
  }

  private apply(stored: StoredMessage, body: Record<string, unknown>, files: UploadedFile[], create: boolean): void {
    const m = stored.message;
    if (typeof body['content'] === 'string') m.content = body['content'];
    else if (body['content'] === null) m.content = '';
    if (Array.isArray(body['embeds'])) m.embeds = body['embeds'] as APIMessage['embeds'];
    else if (body['embeds'] === null) m.embeds = [];
    if (Array.isArray(body['components'])) m.components = body['components'] as NonNullable<APIMessage['components']>;
    else if (body['components'] === null) m.components = [];
    if (!create && typeof body['flags'] === 'number') {
      // Only SUPPRESS_EMBEDS (and components v2) may change on edit; ephemerality never does.
      m.flags = ((m.flags ?? 0) & (EPHEMERAL | LOADING)) | (body['flags'] & ~(EPHEMERAL | LOADING));
    }
    if ('allowed_mentions' in body) stored.allowedMentions = body['allowed_mentions'];
    m.attachments = this.resolveAttachments(m, body, files);
    if (create || typeof body['content'] === 'string' || 'allowed_mentions' in body) this.resolveMentions(stored);
  }

  private resolveAttachments(m: APIMessage, body: Record<string, unknown>, files: UploadedFile[]): APIAttachment[] {
    const byIndex = new Map<string, UploadedFile>();
    files.forEach((f, i) => {
      const match = /^files\[(\d+)\]$/.exec(f.field) ?? /^file(\d*)$/.exec(f.field);
      byIndex.set(match?.[1] !== undefined && match[1] !== '' ? match[1] : String(i), f);
    });
    const ephemeral = ((m.flags ?? 0) & EPHEMERAL) !== 0;
    const declared = body['attachments'];
    if (!Array.isArray(declared)) {
      // Without an attachments list, new files are added to the ones the message already has.
      const added = files.map((f) => this.storeAttachment(m.channel_id, f, { ephemeral }));
      return [...m.attachments, ...added];
    }
    const out: APIAttachment[] = [];
    const used = new Set<UploadedFile>();
    for (const entry of declared) {
      if (!isRecord(entry)) continue;
      const id = String(entry['id']);
      const existing = m.attachments.find((a) => a.id === id);
      if (existing) {
        out.push(existing);
        continue;
      }
      const file = byIndex.get(id);
      if (!file) {
        throw new DiscordHttpError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', {
          attachments: { _errors: [{ code: 'ATTACHMENT_NOT_FOUND', message: `Attachment ${id} was not found` }] },
        });
      }
      used.add(file);
      const description = typeof entry['description'] === 'string' ? entry['description'] : undefined;
      const filename = typeof entry['filename'] === 'string' ? entry['filename'] : file.filename;
      out.push(
        this.storeAttachment(
          m.channel_id,
          { filename, contentType: file.contentType, bytes: file.bytes, ...(description === undefined ? {} : { description }) },
          { ephemeral },
        ),
      );
    }
    for (const file of files) if (!used.has(file)) out.push(this.storeAttachment(m.channel_id, file, { ephemeral }));
    return out;
  }

  /** Resolves who a message actually pings, honouring allowed_mentions (default: everything). */
  private resolveMentions(stored: StoredMessage): void {
    const m = stored.message;
    const am = isRecord(stored.allowedMentions) ? stored.allowedMentions : undefined;
    const parse = am ? (Array.isArray(am['parse']) ? (am['parse'] as unknown[]) : []) : ['users', 'roles', 'everyone'];
    const allowedUsers = am && Array.isArray(am['users']) ? (am['users'] as unknown[]).map(String) : [];
    const allowedRoles = am && Array.isArray(am['roles']) ? (am['roles'] as unknown[]).map(String) : [];
    const content = m.content;
    m.mention_everyone = parse.includes('everyone') && /@(everyone|here)/.test(content);
    const users: APIUser[] = [];
    for (const match of content.matchAll(/<@!?(\d{1,20})>/g)) {
      const id = match[1] ?? '';
      const user = this.world.users.get(id);
      if (user && (parse.includes('users') || allowedUsers.includes(id)) && !users.some((u) => u.id === id)) users.push(user);
    }
    m.mentions = users;
    const roles: string[] = [];
    for (const match of content.matchAll(/<@&(\d{1,20})>/g)) {
      const id = match[1] ?? '';
      if ((parse.includes('roles') || allowedRoles.includes(id)) && !roles.includes(id)) roles.push(id);
    }
    m.mention_roles = roles;
  }
}

export const MESSAGE_FLAG_EPHEMERAL = EPHEMERAL;
export const MESSAGE_FLAG_LOADING = LOADING;
