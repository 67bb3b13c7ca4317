import { describe, expect, it } from 'vitest';
import type { Database } from 'holdfast/server';
import { ReadReplica } from 'holdfast/internal/server';

// The constructor reads nothing from its databases: their kind is all these checks need.
const postgres = { kind: 'postgres' } as Database;

describe("a read replica's time bounds", () => {
  it('one with no end (NaN, infinite, negative) is refused at start, naming it; one left undefined keeps its default', () => {
    expect(() => new ReadReplica({ primary: postgres, replica: postgres, maxWaitMs: Number.NaN })).toThrow(/maxWaitMs must be a finite number/);
    expect(() => new ReadReplica({ primary: postgres, replica: postgres, pollMs: Number.POSITIVE_INFINITY })).toThrow(/pollMs/);
    expect(() => new ReadReplica({ primary: postgres, replica: postgres, answerMs: -1 })).toThrow(/answerMs/);
    // Undefined is not NaN here: the default (250 ms) stands, or the check above would refuse it.
    expect(() => new ReadReplica({ primary: postgres, replica: postgres, maxWaitMs: undefined, answerMs: undefined })).not.toThrow();
  });
});
