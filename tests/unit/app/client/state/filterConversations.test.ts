import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../../../app/shared/index.js';
import { filterConversations } from '../../../../../app/client/state/filterConversations.js';

const me = 'me';
const conversation = (id: string, patch: Partial<Conversation>): Conversation => ({
  id,
  version: 1,
  status: 'open',
  assigneeId: null,
  subject: 's',
  customerName: 'Someone',
  customerEmail: 'someone@x.example',
  createdAt: '',
  updatedAt: '',
  lastMessageAt: '2026-01-01T00:00:00Z',
  lastMessagePreview: '',
  messageCount: 1,
  ...patch,
});
const all = Object.fromEntries(
  [
    conversation('a', { assigneeId: me, customerName: 'Maya Okafor', lastMessageAt: '2026-01-03T00:00:00Z' }),
    conversation('b', { assigneeId: 'other', customerName: 'Liam Rossi' }),
    conversation('c', { customerName: 'Maya Novak', lastMessageAt: '2026-01-05T00:00:00Z' }),
    conversation('d', { status: 'closed', assigneeId: me, customerName: 'Emma Silva' }),
  ].map((c) => [c.id, c]),
);
const ids = (list: Conversation[]) => list.map((c) => c.id);

describe('the inbox filter', () => {
  it('shows mine, unassigned or all, by status, newest first', () => {
    expect(ids(filterConversations(all, { view: 'all', status: 'open', query: '' }, me))).toEqual(['c', 'a', 'b']);
    expect(ids(filterConversations(all, { view: 'mine', status: 'open', query: '' }, me))).toEqual(['a']);
    expect(ids(filterConversations(all, { view: 'unassigned', status: 'open', query: '' }, me))).toEqual(['c']);
    expect(ids(filterConversations(all, { view: 'mine', status: 'closed', query: '' }, me))).toEqual(['d']);
  });

  it('searches by customer name or email, ignoring case', () => {
    expect(ids(filterConversations(all, { view: 'all', status: 'open', query: 'maya' }, me))).toEqual(['c', 'a']);
    expect(ids(filterConversations(all, { view: 'all', status: 'open', query: 'X.EXAMPLE' }, me))).toEqual(['c', 'a', 'b']);
    expect(ids(filterConversations(all, { view: 'all', status: 'open', query: 'nobody' }, me))).toEqual([]);
  });
});
