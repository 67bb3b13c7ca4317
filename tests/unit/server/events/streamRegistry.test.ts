import { describe, expect, it } from 'vitest';
import { StreamRegistry } from 'holdfast/internal/server';

describe('the event-stream caps', () => {
  it('admit up to the per-agent and per-process caps, and refuse beyond them at once', () => {
    const registry = new StreamRegistry({ maxPerAgent: 3, maxPerProcess: 5, liveSessions: async (hashes) => new Set(hashes) });
    const open = (agentKey: string) => registry.admit({ agentKey, tokenHash: agentKey, close: () => {} });
    expect([1, 2, 3].map(() => open('a').admitted)).toEqual([true, true, true]);
    expect(open('a')).toEqual({ admitted: false, reason: 'agent-cap' });
    expect([open('b').admitted, open('b').admitted]).toEqual([true, true]);
    expect(open('c')).toEqual({ admitted: false, reason: 'process-cap' });
    registry.close();
  });

  it('never leak: after 100,000 random opens, releases (some twice) and session ends, the counts equal the streams open', async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const revoked = new Set<string>();
    const registry = new StreamRegistry({
      maxPerAgent: 7,
      maxPerProcess: 60,
      sessionCheckMs: 1e9,
      liveSessions: async (hashes) => new Set(hashes.filter((hash) => !revoked.has(hash))),
    });
    const live = new Map<number, { agent: string; release: () => void }>();
    let next = 0;
    for (let cycle = 0; cycle < 100_000; cycle++) {
      const roll = random();
      if (roll < 0.5) {
        const id = next++;
        const agent = `agent-${Math.floor(random() * 12)}`;
        const admission = registry.admit({ agentKey: agent, tokenHash: `${agent}:${id % 3}`, close: () => live.get(id)?.release() });
        if (admission.admitted)
          live.set(id, {
            agent,
            release: () => {
              admission.release();
              live.delete(id);
            },
          });
      } else if (roll < 0.95 && live.size > 0) {
        const ids = [...live.keys()];
        const id = ids[Math.floor(random() * ids.length)]!;
        const stream = live.get(id)!;
        stream.release();
        if (random() < 0.3) stream.release(); // a close after an error: released twice
      } else if (roll < 0.98) {
        registry.endSession(`agent-${Math.floor(random() * 12)}:${Math.floor(random() * 3)}`);
      } else {
        revoked.add(`agent-${Math.floor(random() * 12)}:${Math.floor(random() * 3)}`);
        await registry.checkSessions();
        revoked.clear();
      }
      if (cycle % 997 === 0) {
        expect(registry.size).toBe(live.size);
        for (let agent = 0; agent < 12; agent++)
          expect(registry.countFor(`agent-${agent}`)).toBe([...live.values()].filter((stream) => stream.agent === `agent-${agent}`).length);
      }
    }
    for (const stream of [...live.values()]) stream.release();
    expect(registry.size).toBe(0);
    registry.close();
  });
});

describe('the safeguard watchdog', () => {
  it('forced stuck — every slot held by streams whose connection is gone, everyone refused — it gives the slots back, records it, and new streams get in again', () => {
    const incidents: unknown[] = [];
    const registry = new StreamRegistry({
      maxPerAgent: 50,
      maxPerProcess: 20,
      auditMs: 1e9,
      liveSessions: async (hashes) => new Set(hashes),
      onRecovered: (incident) => incidents.push(incident),
    });
    // Twenty streams whose connections died without their release ever running (the bug the watchdog is for).
    const sockets = Array.from({ length: 20 }, () => ({ destroyed: false }));
    for (const [index, socket] of sockets.entries()) {
      expect(registry.admit({ agentKey: `agent-${index % 4}`, tokenHash: 't', close: () => {}, isOpen: () => !socket.destroyed }).admitted).toBe(true);
    }
    for (const socket of sockets) socket.destroyed = true;
    // Stuck: nothing is open, yet everyone is refused.
    expect(registry.admit({ agentKey: 'someone', tokenHash: 't', close: () => {} })).toEqual({ admitted: false, reason: 'process-cap' });
    expect(registry.audit()).toBe(20);
    expect(registry.size).toBe(0);
    expect(incidents).toEqual([{ at: expect.any(String), kind: 'leaked-streams', recovered: 20 }]);
    expect(registry.incidents).toHaveLength(1);
    expect(registry.admit({ agentKey: 'someone', tokenHash: 't', close: () => {} }).admitted).toBe(true);
    registry.close();
  });

  it("the drill (DRILLS=on, SIGUSR2) leaks as the bug would — every free slot taken, the open streams' releases doing nothing — and the watchdog gives back all but the stream still open", () => {
    const registry = new StreamRegistry({ maxPerAgent: 5, maxPerProcess: 30, auditMs: 1e9, liveSessions: async (hashes) => new Set(hashes) });
    const sockets = [{ destroyed: false }, { destroyed: false }];
    const open = sockets.map((socket) => registry.admit({ agentKey: 'a', tokenHash: 't', close: () => {}, isOpen: () => !socket.destroyed }));
    expect(open.every((admission) => admission.admitted)).toBe(true);
    expect(registry.leakForDrill()).toBe(28);
    expect(registry.admit({ agentKey: 'b', tokenHash: 't', close: () => {} })).toEqual({ admitted: false, reason: 'process-cap' });
    // One of the streams open at the drill ends: its release runs, and gives nothing back (the leak).
    sockets[0]!.destroyed = true;
    if (open[0]!.admitted) open[0]!.release();
    expect(registry.size).toBe(30);
    expect(registry.admit({ agentKey: 'b', tokenHash: 't', close: () => {} })).toEqual({ admitted: false, reason: 'process-cap' });
    // The watchdog gives back the 28 ghosts and the ended stream; the one still open keeps its slot.
    expect(registry.audit()).toBe(29);
    expect(registry.size).toBe(1);
    expect(registry.admit({ agentKey: 'b', tokenHash: 't', close: () => {} }).admitted).toBe(true);
    registry.close();
  });

  it('leaves live streams alone, and a sound safeguard records nothing', () => {
    const registry = new StreamRegistry({ maxPerAgent: 5, maxPerProcess: 5, auditMs: 1e9, liveSessions: async (hashes) => new Set(hashes) });
    const socket = { destroyed: false };
    registry.admit({ agentKey: 'a', tokenHash: 't', close: () => {}, isOpen: () => !socket.destroyed });
    registry.admit({ agentKey: 'a', tokenHash: 't', close: () => {} });
    expect(registry.audit()).toBe(0);
    expect(registry.size).toBe(2);
    expect(registry.incidents).toEqual([]);
    registry.close();
  });
});
