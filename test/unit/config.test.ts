import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const valid = {
  DISCORD_TOKEN: 'discord-token-secret-value',
  DISCORD_APPLICATION_ID: '123456789012345678',
  VALENTINA_API_URL: 'http://127.0.0.1:8000/',
  VALENTINA_API_KEY: 'valentina-key-secret-value',
};

describe('loadConfig', () => {
  it('parses a minimal environment with defaults', () => {
    const c = loadConfig(valid);
    expect(c.valentinaApiUrl).toBe('http://127.0.0.1:8000');
    expect(c.logLevel).toBe('info');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.assets.maxBytes).toBe(10_000_000);
    expect(c.assets.allowedHosts).toContain('cdn.discordapp.com');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('lists every problem in one error and never prints secret values', () => {
    let error: unknown;
    try {
      loadConfig({ DISCORD_TOKEN: 'discord-token-secret-value', VALENTINA_API_URL: 'ftp://x', LOG_LEVEL: 'loud', API_TIMEOUT_MS: '-5' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('DISCORD_APPLICATION_ID is required');
    expect(message).toContain('VALENTINA_API_KEY is required');
    expect(message).toContain('VALENTINA_API_URL must be an http(s) URL');
    expect(message).toContain('LOG_LEVEL must be one of');
    expect(message).toContain('API_TIMEOUT_MS must be a whole number');
    expect(message).not.toContain('discord-token-secret-value');
    expect((error as ConfigError).problems.length).toBe(5);
  });

  it('reads VALENTINA_API_VERSION: auto by default, v1/v2 forced, anything else refused', () => {
    expect(loadConfig(valid).valentinaApiVersion).toBe('auto');
    expect(loadConfig({ ...valid, VALENTINA_API_VERSION: '' }).valentinaApiVersion).toBe('auto');
    expect(loadConfig({ ...valid, VALENTINA_API_VERSION: ' V2 ' }).valentinaApiVersion).toBe('v2');
    expect(loadConfig({ ...valid, VALENTINA_API_VERSION: 'v1' }).valentinaApiVersion).toBe('v1');
    expect(() => loadConfig({ ...valid, VALENTINA_API_VERSION: '3' })).toThrow(/VALENTINA_API_VERSION must be one of auto, v1, v2/);
  });

  it('treats empty optional variables as unset', () => {
    const c = loadConfig({ ...valid, DATABASE_URL: '', DISCORD_API_URL: '', DEV_GUILD_ID: '', VALENTINA_COMPANY_ID: ' ' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.discordApiUrl).toBeUndefined();
    expect(c.devGuildId).toBeUndefined();
    expect(c.defaultCompanyId).toBeUndefined();
  });

  it('rejects a bad DEV_GUILD_ID and shard ids outside the count', () => {
    expect(() => loadConfig({ ...valid, DEV_GUILD_ID: 'abc' })).toThrow(/DEV_GUILD_ID must be a Discord snowflake/);
    expect(() => loadConfig({ ...valid, SHARD_COUNT: '2', SHARD_IDS: '0,2' })).toThrow(/SHARD_IDS/);
    expect(loadConfig({ ...valid, SHARD_COUNT: '2', SHARD_IDS: '1' }).shardIds).toEqual([1]);
  });

  it('parses asset lists', () => {
    const c = loadConfig({ ...valid, ASSET_ALLOWED_TYPES: 'image/PNG, text/plain', ASSET_ALLOWED_HOSTS: '127.0.0.1:9999' });
    expect(c.assets.allowedTypes).toEqual(['image/png', 'text/plain']);
    expect(c.assets.allowedHosts).toEqual(['127.0.0.1:9999']);
  });
});
