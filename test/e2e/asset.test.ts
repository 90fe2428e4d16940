import type { APIAttachment } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentWithKey, startWorld, worldGenerations, type World } from './harness.js';
import { controls, customId, embedText, EPHEMERAL, finalAnswer, firstFollowup } from './support/replies.js';

/** Small enough that a lying attachment is cheap to serve, large enough for real files. */
const MAX_BYTES = 200_000;

function png(size: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let i = 8; i < size; i++) bytes[i] = (i * seed) % 256;
  return bytes;
}

// The store is generation-blind and v1 covers both engines: v2 runs on SQLite only.
for (const kind of worldGenerations({ v2Stores: ['sqlite'] })) {
  describe.skipIf(kind.skip !== false)(`assets end to end, ${kind.label}`, () => {
    let world: World;

    beforeAll(async () => {
      world = await startWorld({ generation: kind.generation, store: kind.name, env: { ASSET_MAX_BYTES: String(MAX_BYTES) } });
    });
    afterAll(async () => {
      await world?.stop();
    });

    const ctx = (who: keyof World['members']) => ({ user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId });
    const uploads = () => world.valentina.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/assets/upload'));
    const cdnHits = (filename: string) => world.discord.cdnRequests.filter((r) => r.path.endsWith(`/${filename}`));
    const upload = (who: keyof World['members'], file: APIAttachment, member?: string) =>
      world.discord.slash('asset', { ...ctx(who), subcommand: 'upload', options: { file: { attachment: file }, ...(member === undefined ? {} : { member: { user: member } }) } });

    it('uploads an image privately, with a link and a preview, byte for byte', async () => {
      const bytes = png(5_000);
      const file = world.discord.addAttachment({ filename: 'portrait.png', contentType: 'image/png', bytes });
      const h = upload('player', file);
      expect((await h.response()).latencyMs).toBeLessThan(3_000);
      const reply = await finalAnswer(h);
      expect((reply.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      const stored = world.valentina.state.listAssets(world.members.player.userId ?? '');
      expect(stored).toHaveLength(1);
      const saved = stored[0];
      expect(saved?.mime_type).toBe('image/png');
      expect(saved?.original_filename).toBe('portrait.png');
      expect(Buffer.compare(saved?.bytes ?? Buffer.alloc(0), Buffer.from(bytes))).toBe(0);
      const embed = reply.embeds?.[0];
      expect(embed?.title).toBe('Asset saved');
      expect(embed?.url).toBe(saved?.public_url);
      expect(embed?.image?.url).toBe(saved?.public_url);
      expect(embed?.description).toContain(`(${saved?.public_url ?? ''})`);
      const request = uploads().at(-1);
      expect(sentWithKey(world, request, `${h.id}:asset-upload`)).toBe(true);
    });

    it('refuses a file type outside the allow-list before downloading it', async () => {
      const before = uploads().length;
      const file = world.discord.addAttachment({ filename: 'campaign.zip', contentType: 'application/zip', bytes: new Uint8Array(100) });
      const reply = await finalAnswer(upload('player', file));
      expect((reply.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      const text = embedText(reply);
      expect(text).toContain('`application/zip`, which is not allowed');
      expect(text).toContain('`image/png`');
      expect(cdnHits('campaign.zip')).toEqual([]);
      expect(uploads()).toHaveLength(before);
    });

    it('refuses a declared size above the maximum before any download', async () => {
      const before = uploads().length;
      const file = world.discord.addAttachment({ filename: 'huge.png', contentType: 'image/png', bytes: png(1_000), declaredSize: 300_000 });
      const text = embedText(await finalAnswer(upload('player', file)));
      expect(text).toContain('**huge.png** is 300 KB; the largest file allowed is 200 KB.');
      expect(cdnHits('huge.png')).toEqual([]);
      expect(uploads()).toHaveLength(before);
    });

    it('aborts an attachment that lies about its size and uploads nothing', async () => {
      const before = uploads().length;
      const real = 2_000_000;
      const file = world.discord.addAttachment({ filename: 'liar.png', contentType: 'image/png', bytes: png(real), declaredSize: 1_000, slowMs: 1 });
      const text = embedText(await finalAnswer(upload('player', file), 20_000));
      expect(text).toContain('**liar.png** turned out larger than 200 KB while downloading (it claimed 1 KB), so the download was stopped.');
      await world.discord.waitFor(() => cdnHits('liar.png').some((r) => r.aborted), 5_000);
      const hit = cdnHits('liar.png')[0];
      expect(hit?.aborted).toBe(true);
      expect(hit?.bytesSent ?? real).toBeLessThan(real);
      expect(uploads()).toHaveLength(before);
      expect(world.valentina.state.listAssets(world.members.player.userId ?? '').map((a) => a.original_filename)).not.toContain('liar.png');
    });

    it("refuses a player's upload for another member, and sends nothing", async () => {
      const before = uploads().length;
      const file = world.discord.addAttachment({ filename: 'gift.png', contentType: 'image/png', bytes: png(500) });
      const text = embedText(await finalAnswer(upload('player', file, world.members.player2.discordId)));
      expect(text).toContain('You may not upload assets for another member. Only Storyteller or Admin users may; you are Player.');
      expect(cdnHits('gift.png')).toEqual([]);
      expect(uploads()).toHaveLength(before);
    });

    it('lets a storyteller upload for a player', async () => {
      const pdf = world.discord.addAttachment({ filename: 'handout.pdf', contentType: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4 handout') });
      if (kind.generation === 'v2') {
        // A v2 server stores images only (CONTRACT-v2 §3.3): refused before download, saying why.
        const before = uploads().length;
        const refused = embedText(await finalAnswer(upload('storyteller', pdf, world.members.player2.discordId)));
        expect(refused).toContain('`application/pdf`, which is not allowed (this Valentina server stores images only)');
        expect(refused).toContain('`image/png`');
        expect(uploads()).toHaveLength(before);
        expect(cdnHits('handout.pdf')).toEqual([]);
      }
      const file = kind.generation === 'v2' ? world.discord.addAttachment({ filename: 'handout.png', contentType: 'image/png', bytes: png(1_500, 5) }) : pdf;
      const reply = await finalAnswer(upload('storyteller', file, world.members.player2.discordId));
      expect(embedText(reply)).toContain(`Owner: <@${world.members.player2.discordId}>`);
      // Named, never pinged.
      expect(world.discord.allowedMentions(reply.id)).toEqual({ parse: [] });
      expect(reply.mentions).toEqual([]);
      const theirs = world.valentina.state.listAssets(world.members.player2.userId ?? '');
      if (kind.generation === 'v2') {
        expect(theirs.map((a) => [a.original_filename, a.asset_type])).toEqual([['handout.png', 'image']]);
      } else {
        expect(reply.embeds?.[0]?.image).toBeUndefined();
        expect(theirs.map((a) => [a.original_filename, a.asset_type])).toEqual([['handout.pdf', 'document']]);
      }
    });

    it('says clearly when the named member or the invoker is not linked', async () => {
      const before = uploads().length;
      const file = world.discord.addAttachment({ filename: 'x.png', contentType: 'image/png', bytes: png(300) });
      const named = embedText(await finalAnswer(upload('storyteller', file, world.members.unlinked.discordId)));
      expect(named).toContain(`<@${world.members.unlinked.discordId}> is not linked to a Valentina user`);
      const self = embedText(await finalAnswer(upload('unlinked', file)));
      expect(self).toContain('/register');
      expect(uploads()).toHaveLength(before);
    });

    it('pages through assets one at a time, deletes with a confirm, and refuses a second delete', async () => {
      const playerId = world.members.player.userId ?? '';
      world.valentina.state.addAsset(playerId, { filename: 'map.png', mime_type: 'image/png' });
      world.valentina.state.addAsset(playerId, { filename: 'notes.txt', mime_type: 'text/plain' });
      const total = world.valentina.state.listAssets(playerId).length;
      expect(total).toBe(3);

      const list = world.discord.slash('asset', { ...ctx('player'), subcommand: 'list' });
      const first = await finalAnswer(list);
      expect((first.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(first.embeds?.[0]?.footer?.text).toBe('Your assets · 1 of 3');
      expect(controls(first).map((c) => c.label ?? '')).toEqual(['Prev', 'Next', 'Delete']);

      const next = world.discord.button(customId(first, 'Next'), { ...ctx('player'), message: first });
      await next.waitFor((h) => h.original()?.embeds?.[0]?.footer?.text === 'Your assets · 2 of 3');
      const second = next.original();
      expect(second?.embeds?.[0]?.title).toBe('map.png');

      // Someone else pressing the private list's buttons is told politely.
      const intruder = await finalAnswer(world.discord.button(customId(second, 'Delete'), { ...ctx('player2'), message: first }));
      expect(embedText(intruder)).toContain("someone else's command");

      const ask = world.discord.button(customId(second, 'Delete'), { ...ctx('player'), message: first });
      await ask.waitFor((h) => h.original()?.embeds?.[0]?.title === 'Delete this asset?');
      const prompt = ask.original();
      const cancel = world.discord.button(customId(prompt, 'Cancel'), { ...ctx('player'), message: first });
      await cancel.waitFor((h) => h.original()?.embeds?.[0]?.footer?.text === 'Your assets · 2 of 3');
      expect(world.valentina.state.listAssets(playerId)).toHaveLength(3);

      const ask2 = world.discord.button(customId(cancel.original(), 'Delete'), { ...ctx('player'), message: first });
      await ask2.waitFor((h) => h.original()?.embeds?.[0]?.title === 'Delete this asset?');
      const confirmId = customId(ask2.original(), 'Delete');
      const confirm = world.discord.button(confirmId, { ...ctx('player'), message: first });
      await confirm.waitFor((h) => h.original()?.embeds?.[0]?.title === 'Asset deleted');
      expect(embedText(confirm.original())).toContain('`map.png` was deleted for good.');
      expect(world.valentina.state.listAssets(playerId).map((a) => a.original_filename)).toEqual(['portrait.png', 'notes.txt']);

      const again = await firstFollowup(world.discord.button(confirmId, { ...ctx('player'), message: first }));
      expect((again.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(embedText(again)).toContain('no longer exists');
      expect(world.valentina.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/assets/'))).toHaveLength(1);

      const back = world.discord.button(customId(confirm.original(), 'Back to the list'), { ...ctx('player'), message: first });
      await back.waitFor((h) => h.original()?.embeds?.[0]?.footer?.text === 'Your assets · 2 of 2');
    });

    it('shows Delete to a storyteller but not to another player; one asset has no page buttons', async () => {
      const theirs = await finalAnswer(world.discord.slash('asset', { ...ctx('player'), subcommand: 'list', options: { member: { user: world.members.player2.discordId } } }));
      expect(embedText(theirs)).toContain(`Owner: <@${world.members.player2.discordId}>`);
      expect(controls(theirs)).toEqual([]);
      const staff = await finalAnswer(world.discord.slash('asset', { ...ctx('storyteller'), subcommand: 'list', options: { member: { user: world.members.player2.discordId } } }));
      expect(controls(staff).map((c) => c.label ?? '')).toEqual(['Delete']);
      const empty = await finalAnswer(world.discord.slash('asset', { ...ctx('admin'), subcommand: 'list' }));
      expect(embedText(empty)).toContain('You have no assets yet.');
    });

    it('saves every attachment of a message, reporting per file what was saved and what was refused', async () => {
      const adminId = world.members.admin.userId ?? '';
      const before = uploads().length;
      const good = world.discord.addAttachment({ filename: 'sigil.png', contentType: 'image/png', bytes: png(2_000, 3) });
      const text = world.discord.addAttachment({ filename: 'rules.txt', contentType: 'text/plain', bytes: new TextEncoder().encode('House rules: **no** botches') });
      const wrong = world.discord.addAttachment({ filename: 'tool.exe', contentType: 'application/x-msdownload', bytes: new Uint8Array(50) });
      const liar = world.discord.addAttachment({ filename: 'sneaky.png', contentType: 'image/png', bytes: png(1_000_000), declaredSize: 500, slowMs: 1 });
      const message = world.discord.addMessage(world.channelId, { content: 'handouts', author: world.members.player.discordId, attachments: [good, wrong, liar, text] });

      const h = world.discord.messageContextMenu('Save attachments as assets', message, ctx('admin'));
      const report = await finalAnswer(h, 20_000);
      expect((report.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      const body = embedText(report);
      expect(body).toContain('✅ [sigil.png]');
      expect(body).toContain('❌ **sneaky.png** turned out larger than 200 KB');
      const saved = world.valentina.state.listAssets(adminId);
      const keys = uploads().slice(before);
      if (kind.generation === 'v2') {
        // Images only on v2: the text file is refused before download, with the reason.
        expect(report.embeds?.[0]?.title).toBe('Saved 1 of 4 files');
        expect(body).toContain('❌ **rules.txt** is `text/plain`, which is not allowed (this Valentina server stores images only)');
        expect(body).toContain('❌ **tool.exe** is `application/x-msdownload`, which is not allowed (this Valentina server stores images only)');
        expect(saved.map((a) => a.original_filename)).toEqual(['sigil.png']);
        expect(keys).toHaveLength(1);
        expect(sentWithKey(world, keys[0], `${h.id}:asset-save:${good.id}`)).toBe(true);
        expect(cdnHits('rules.txt')).toEqual([]);
      } else {
        expect(report.embeds?.[0]?.title).toBe('Saved 2 of 4 files');
        expect(body).toContain('✅ [rules.txt]');
        expect(body).toContain('❌ **tool.exe** is `application/x-msdownload`, which is not allowed.');
        expect(saved.map((a) => a.original_filename)).toEqual(['sigil.png', 'rules.txt']);
        expect(keys.map((r) => r.idempotencyKey)).toEqual([`${h.id}:asset-save:${good.id}`, `${h.id}:asset-save:${text.id}`]);
      }
      expect(cdnHits('tool.exe')).toEqual([]);
    });

    it('answers a message without attachments clearly', async () => {
      const message = world.discord.addMessage(world.channelId, { content: 'just words', author: world.members.player.discordId });
      const reply = await finalAnswer(world.discord.messageContextMenu('Save attachments as assets', message, ctx('player')));
      expect(embedText(reply)).toContain('That message has no attachments.');
    });

    it('kept to the API contract throughout', () => {
      expect(world.valentina.violations).toEqual([]);
    });
  });
}
