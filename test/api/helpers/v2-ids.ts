/** UUIDs of the v2 fixtures (docs/valentina-api/v2/fixtures), for scripted v2 clients. */
export const V2_IDS = {
  company: '019d63f5-90b8-7c70-aade-6c016dd177d2',
  user: '019d6fdf-1868-77f5-970a-156e8f0f9d8c',
  admin: '019d63f6-0a1b-7c2d-8e3f-405162738495',
  unapproved: '019f61ff-7b28-76bc-be78-8ae41b38eefa',
  campaign: '019d7001-2b3c-7d4e-8f50-61728394a5b6',
  character: '019d7002-3c4d-7e5f-8061-728394a5b6c7',
  asset: '019d7003-4d5e-7f60-8172-8394a5b6c7d8',
  note: '019d7004-5e6f-7081-9283-94a5b6c7d8e9',
  quickroll: '019d7005-6f70-7192-a394-a5b6c7d8e9fa',
  diceroll: '019d7006-7081-72a3-b4a5-b6c7d8e9fa0b',
  trait: '019d7007-8192-73b4-85b6-c7d8e9fa0b1c',
  category: '019d7008-92a3-74c5-96c7-d8e9fa0b1c2d',
} as const;
