// The realistic 20-field stream schema and record generator shared by the CAT benchmarks.

export const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    id: { type: 'integer' },
    uuid: { type: 'string' },
    email: { type: ['null', 'string'] },
    name: { type: ['null', 'string'] },
    status: { type: 'string', enum: ['active', 'paused', 'archived'] },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    birthday: { type: ['null', 'string'], format: 'date' },
    amount: { type: 'number' },
    currency: { type: 'string' },
    quantity: { type: ['null', 'integer'] },
    is_test: { type: 'boolean' },
    score: { type: ['null', 'number'] },
    tags: { type: 'array', items: { type: 'string' } },
    address: {
      type: ['null', 'object'],
      properties: { line1: { type: 'string' }, city: { type: 'string' }, zip: { type: ['null', 'string'] }, country: { type: 'string' } },
    },
    metadata: { type: ['null', 'object'] },
    owner_id: { type: ['null', 'integer'] },
    url: { type: ['null', 'string'] },
    version: { type: 'integer' },
    notes: { type: ['null', 'string'] },
  },
};

export function makeRecord(i) {
  const d = new Date(Date.UTC(2024, 0, 1) + i * 61_000).toISOString();
  return {
    id: i,
    uuid: `0000${i}`.slice(-8) + '-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    email: i % 7 ? `user${i}@example.com` : null,
    name: `Customer number ${i}`,
    status: ['active', 'paused', 'archived'][i % 3],
    created_at: d,
    updated_at: d,
    birthday: i % 5 ? `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}` : null,
    amount: (i * 37) % 10000 / 100,
    currency: 'EUR',
    quantity: i % 11 ? i % 100 : null,
    is_test: i % 2 === 0,
    score: i % 13 ? (i % 1000) / 10 : null,
    tags: ['a', `t${i % 17}`],
    address: i % 4 ? { line1: `${i} Main Street`, city: 'Lisbon', zip: '1000-001', country: 'PT' } : null,
    metadata: { source: 'bench', n: i },
    owner_id: i % 3 ? i % 500 : null,
    url: `https://example.com/c/${i}`,
    version: 1 + (i % 4),
    notes: i % 9 ? null : 'needs follow-up',
  };
}
