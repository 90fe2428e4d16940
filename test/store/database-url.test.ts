import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore, parseDatabaseUrl } from '../../src/store/index.js';

describe('parseDatabaseUrl', () => {
  it('defaults to the embedded file under the data folder', () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ kind: 'sqlite', filename: join('data', 'bot.sqlite') });
    expect(parseDatabaseUrl('  ', '/srv/bot')).toEqual({ kind: 'sqlite', filename: join('/srv/bot', 'bot.sqlite') });
  });

  it('reads in-memory, sqlite:, file: and plain paths', () => {
    for (const url of [':memory:', 'sqlite::memory:', 'file::memory:']) {
      expect(parseDatabaseUrl(url)).toEqual({ kind: 'sqlite', filename: ':memory:' });
    }
    expect(parseDatabaseUrl('sqlite:./db/bot.sqlite')).toEqual({ kind: 'sqlite', filename: './db/bot.sqlite' });
    expect(parseDatabaseUrl('sqlite:///var/lib/bot.sqlite')).toEqual({ kind: 'sqlite', filename: '/var/lib/bot.sqlite' });
    expect(parseDatabaseUrl('file:/tmp/x.sqlite')).toEqual({ kind: 'sqlite', filename: '/tmp/x.sqlite' });
    expect(parseDatabaseUrl('/tmp/x.sqlite')).toEqual({ kind: 'sqlite', filename: '/tmp/x.sqlite' });
    expect(parseDatabaseUrl('bot.db')).toEqual({ kind: 'sqlite', filename: 'bot.db' });
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/names no file/);
  });

  it('reads postgres URLs and our schema parameter', () => {
    const plain = 'postgres://bot:pw@127.0.0.1:5432/bot';
    expect(parseDatabaseUrl(plain)).toEqual({ kind: 'postgres', connectionString: plain });
    expect(parseDatabaseUrl('postgresql://127.0.0.1/bot')).toEqual({ kind: 'postgres', connectionString: 'postgresql://127.0.0.1/bot' });
    expect(parseDatabaseUrl('postgres://127.0.0.1/bot?schema=tenant_1&sslmode=disable')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://127.0.0.1/bot?sslmode=disable',
      schema: 'tenant_1',
    });
    expect(parseDatabaseUrl('postgres://127.0.0.1/bot?schema=s&options=-c%20statement_timeout%3D5000')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://127.0.0.1/bot',
      schema: 's',
      options: '-c statement_timeout=5000',
    });
    expect(() => parseDatabaseUrl('postgres://127.0.0.1/bot?schema=Bad;drop')).toThrow(/lowercase identifier/);
  });

  it('rejects other schemes without echoing the URL', async () => {
    expect(() => parseDatabaseUrl('mysql://root:s3cret@127.0.0.1/db')).toThrow(/unsupported scheme "mysql:"/);
    await expect(createStore('mysql://root:s3cret@127.0.0.1/db', {})).rejects.toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
    );
  });
});
