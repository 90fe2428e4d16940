import { describe, expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/discord/index.js';

const TOKEN = 'fake-bot-token-upload-limit-0123';

/** The fake refuses files over the announced attachment_size_limit, as Discord does (413, 40005). */
describe('fake Discord upload limit', () => {
  it('accepts a file at the limit and refuses one over it', async () => {
    const discord = await startFakeDiscord({ token: TOKEN, applicationId: '900000000000000009' });
    try {
      const guild = discord.addGuild({ name: 'Uploads' });
      const channelId = guild.channel('general').id;
      const post = (size: number) => {
        const form = new FormData();
        form.append('payload_json', JSON.stringify({ content: 'file', attachments: [{ id: 0, filename: 'a.bin' }] }));
        form.append('files[0]', new Blob([new Uint8Array(size)]), 'a.bin');
        return fetch(`${discord.apiUrl}/v10/channels/${channelId}/messages`, { method: 'POST', headers: { authorization: `Bot ${TOKEN}` }, body: form });
      };
      expect((await post(10 * 1024 * 1024)).status).toBe(200);
      const over = await post(10 * 1024 * 1024 + 1);
      expect(over.status).toBe(413);
      expect(await over.json()).toMatchObject({ code: 40005 });
    } finally {
      await discord.close();
    }
  });
});
