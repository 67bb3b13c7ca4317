import { describe, expect, it } from 'vitest';
import { boundedInstant, cursorSchema } from 'holdfast/core';
import { hasUnstorableCharacters, isVisiblyEmpty, normalizeText } from 'holdfast/client';
import { createWorkspaceAction, sendPayload } from '../../../../app/shared/index.js';

describe('text the database can store', () => {
  it('NUL and lone surrogates are unstorable; a well-formed pair (emoji) is fine', () => {
    expect(hasUnstorableCharacters('a\u0000b')).toBe(true);
    expect(hasUnstorableCharacters('a\ud800b')).toBe(true);
    expect(hasUnstorableCharacters('a\udc00')).toBe(true);
    expect(hasUnstorableCharacters('\ud83d\ude00 ok')).toBe(false);
    expect(hasUnstorableCharacters('\u202eRTL override is visible text')).toBe(false);
  });

  it('a pasted NUL is dropped and a lone surrogate replaced before an agent’s reply becomes an action', () => {
    expect(normalizeText('he\u0000llo \ud800!')).toBe('hello \ufffd!');
    const action = createWorkspaceAction('send', '00000000-0000-4000-8000-00000000000a', { text: 'pasted\u0000text' });
    expect(action.payload.text).toBe('pastedtext');
    expect(sendPayload.safeParse(action.payload).success).toBe(true);
  });

  it('the send schema refuses NUL, lone surrogates and text with nothing visible in it', () => {
    for (const text of ['a\u0000', 'x\ud800', '\u200b\u200b', '\u200d \ufeff\u2060', '\u3164', '   \n\t']) {
      expect(sendPayload.safeParse({ text }).success, JSON.stringify(text)).toBe(false);
    }
    expect(isVisiblyEmpty('\u200bhi')).toBe(false);
    expect(sendPayload.safeParse({ text: '\u200bhi' }).success).toBe(true);
  });

  it('dates must be real and between 2000 and 2099; cursors must fit a bigint', () => {
    expect(boundedInstant.safeParse('2026-02-28T10:00:00Z').success).toBe(true);
    expect(boundedInstant.safeParse('2026-02-28T10:00:00+05:30').success).toBe(true);
    for (const bad of ['0000-01-01T00:00:00Z', '2023-02-31T00:00:00Z', '1999-12-31T23:59:59Z', '2100-01-01T00:00:00Z', '+275760-09-13T00:00:00Z']) {
      expect(boundedInstant.safeParse(bad).success, bad).toBe(false);
    }
    expect(cursorSchema.safeParse('9223372036854775807').success).toBe(true);
    expect(cursorSchema.safeParse('9223372036854775808').success).toBe(false);
    expect(cursorSchema.safeParse('9999999999999999999').success).toBe(false);
  });
});
