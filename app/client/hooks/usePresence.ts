import { useCallback, useEffect, useRef, useState } from 'react';
import type { Viewer } from '../api/ApiClient.js';
import { useWorkspaceStore } from '../state/useWorkspace.js';

export type PresenceOptions = {
  /** Heartbeat while the conversation is open and the tab visible; default 5 s. */
  beatMs?: number;
  /** The agent counts as typing this long after a keystroke; default 4 s. */
  typingMs?: number;
};

/**
 * Who else has this conversation open, and whether they type; `typed` reports this agent's keystrokes
 * (one heartbeat at once when typing starts, then at the normal pace). A hidden tab sends nothing, and a
 * shed or failed heartbeat shows nobody rather than an error: presence is sheddable.
 */
export function usePresence(
  conversationId: string,
  { beatMs = 5000, typingMs = 4000 }: PresenceOptions = {},
): { viewers: readonly Viewer[]; typed: () => void } {
  const store = useWorkspaceStore();
  const [viewers, setViewers] = useState<readonly Viewer[]>([]);
  const typedAt = useRef(0);
  const typingSent = useRef(false);

  const beat = useCallback(
    async (leaving = false) => {
      if (!leaving && document.visibilityState === 'hidden') return;
      const typing = !leaving && Date.now() - typedAt.current < typingMs;
      typingSent.current = typing;
      const answer = await store.beatPresence(conversationId, { typing, leaving });
      // A typing beat shed or failed told no one: the next keystroke tries again at once, rather than a
      // short burst of typing going unseen until the next heartbeat (by which time it has ended).
      if (answer === undefined && typing) typingSent.current = false;
      // Nobody shown stays the same array: a breaker held open answers every keystroke's beat at once,
      // and a new empty array each time would draw the conversation again per key.
      if (!leaving) setViewers((shown) => answer?.viewers ?? (shown.length === 0 ? shown : []));
    },
    [store, conversationId, typingMs],
  );

  useEffect(() => {
    setViewers([]);
    void beat();
    const timer = setInterval(() => void beat(), beatMs);
    return () => {
      clearInterval(timer);
      void beat(true);
    };
  }, [beat, beatMs]);

  const typed = useCallback(() => {
    typedAt.current = Date.now();
    if (!typingSent.current) void beat();
  }, [beat]);
  return { viewers, typed };
}
