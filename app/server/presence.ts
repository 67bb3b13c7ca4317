import type { Executor } from 'holdfast/server';

/** An agent with the conversation open now; `typing` while they type a reply. */
export type Viewer = { agentId: string; name: string; typing: boolean };

export type PresenceOptions = {
  /** A viewer whose last heartbeat is older than this has left; default 20 s (the client beats every 5 s). */
  staleAfterSeconds?: number;
  /** "Typing" lasts this long after the last keystroke heartbeat; default 6 s. */
  typingForSeconds?: number;
};

/**
 * Records this agent's heartbeat on a conversation (viewing, typing, or leaving) and answers who else is
 * there. One round trip per heartbeat, in the caller's transaction (a sheddable one, with a short
 * statement timeout). Answers null when the conversation is not in the tenant: nothing is written.
 */
export async function beatPresence(
  tx: Executor,
  at: { tenantId: string; agentId: string; conversationId: string },
  state: { typing: boolean; leaving: boolean },
  options: PresenceOptions = {},
): Promise<Viewer[] | null> {
  const { staleAfterSeconds = 20, typingForSeconds = 6 } = options;
  const { tenantId, agentId, conversationId } = at;
  // One statement (one round trip): the beat, the clean-up of this conversation's stale rows, and the
  // others there. The main query does not see the CTEs' writes (one snapshot); it excludes this agent anyway.
  const result = await tx.query<{ found: boolean; viewers: { agentId: string; name: string; typing: boolean }[] | null }>(
    `WITH target AS (SELECT id FROM conversations WHERE tenant_id = $1 AND id = $2),
          beat AS (
            INSERT INTO presence (tenant_id, conversation_id, agent_id, seen_at, typing_until)
            SELECT $1, id, $3, now(), CASE WHEN $4::boolean THEN now() + make_interval(secs => $6) END FROM target WHERE NOT $5::boolean
            ON CONFLICT (tenant_id, conversation_id, agent_id) DO UPDATE SET seen_at = now(), typing_until = EXCLUDED.typing_until
            RETURNING 1),
          gone AS (
            DELETE FROM presence WHERE tenant_id = $1 AND conversation_id = $2
              AND ((agent_id = $3 AND $5::boolean) OR seen_at < now() - make_interval(secs => $7 * 3))
            RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM target) AS found,
            (SELECT json_agg(json_build_object('agentId', p.agent_id, 'name', a.name, 'typing', coalesce(p.typing_until > now(), false)) ORDER BY a.name)
               FROM presence p JOIN agents a ON a.id = p.agent_id
              WHERE p.tenant_id = $1 AND p.conversation_id = $2 AND p.agent_id <> $3 AND p.seen_at > now() - make_interval(secs => $7)) AS viewers`,
    [tenantId, conversationId, agentId, state.typing, state.leaving, typingForSeconds, staleAfterSeconds],
  );
  const row = result.rows[0]!;
  if (!row.found) return null;
  return row.viewers ?? [];
}
