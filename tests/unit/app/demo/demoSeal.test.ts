import { describe, expect, it } from 'vitest';
import { outboxPrefix } from '../../../../app/demo/realUnsentActions.js';
import { outboxDatabasePrefix } from 'holdfast/client';

describe('the demo’s seal', () => {
  it('looks for real unsent work under the outbox’s own database names', () => {
    expect(outboxPrefix).toBe(outboxDatabasePrefix);
  });
});
