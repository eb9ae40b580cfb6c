import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemas } from '../../src/cli/schemas.js';

const ROOT = join(import.meta.dirname, '../..');

describe('committed JSON Schemas', () => {
  it.each(Object.keys(schemas()))(
    'schemas/%s matches the zod schema it is generated from (npm run schemas)',
    (f) => {
      const committed = JSON.parse(readFileSync(join(ROOT, 'schemas', f), 'utf8'));
      expect(committed).toEqual(schemas()[f]);
    },
  );
});
