import { describe, expect, it } from 'vitest';
import { V1_MARCH_2026, V2_JULY_2026 } from '../../src/api/index.js';
import { assetPolicyFor } from '../../src/domain/asset-policy.js';
import { AttachmentRefusedError, checkAttachment } from '../../src/domain/attachment-download.js';

const operator = { maxBytes: 10_000_000, allowedTypes: ['image/png', 'image/jpeg', 'application/pdf', 'text/plain'], allowedHosts: ['cdn.discordapp.com'] };

describe('assetPolicyFor', () => {
  it('keeps the operator policy on a v1 server', () => {
    expect(assetPolicyFor(operator, V1_MARCH_2026.uploads)).toEqual(operator);
  });

  it('narrows to images under 5 MiB on a v2 server, and a refusal says why', () => {
    const policy = assetPolicyFor(operator, V2_JULY_2026.uploads);
    expect(policy.allowedTypes).toEqual(['image/png', 'image/jpeg']);
    expect(policy.maxBytes).toBeLessThan(5_242_880);
    expect(policy.maxBytes).toBeGreaterThan(5_000_000);
    const pdf = { id: '1', filename: 'rules.pdf', url: 'https://cdn.discordapp.com/a/rules.pdf', size: 100, contentType: 'application/pdf' };
    expect(() => checkAttachment(pdf, policy)).toThrow(AttachmentRefusedError);
    expect(() => checkAttachment(pdf, policy)).toThrow('which is not allowed (this Valentina server stores images only)');
    const big = { ...pdf, filename: 'map.png', contentType: 'image/png', size: 5_242_880 };
    expect(() => checkAttachment(big, policy)).toThrow('the largest file allowed is 5.2 MB');
  });
});
