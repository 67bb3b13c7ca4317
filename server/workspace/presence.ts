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
  const exists = await tx.query(`SELECT 1 FROM conversations WHERE tenant_id = $1 AND id = $2`, [tenantId, conversationId]);
  if (exists.rows.length === 0) return null;
  if (state.leaving) {
    await tx.query(`DELETE FROM presence WHERE tenant_id = $1 AND conversation_id = $2 AND agent_id = $3`, [tenantId, conversationId, agentId]);
  } else {
    await tx.query(
      `INSERT INTO presence (tenant_id, conversation_id, agent_id, seen_at, typing_until)
       VALUES ($1, $2, $3, now(), CASE WHEN $4::boolean THEN now() + make_interval(secs => $5) END)
       ON CONFLICT (tenant_id, conversation_id, agent_id)
       DO UPDATE SET seen_at = now(), typing_until = EXCLUDED.typing_until`,
      [tenantId, conversationId, agentId, state.typing, typingForSeconds],
    );
  }
  // Rows left by agents who closed the tab without a goodbye: a few at a time, so this stays cheap.
  await tx.query(
    `DELETE FROM presence WHERE ctid IN (SELECT ctid FROM presence WHERE seen_at < now() - make_interval(secs => $1) LIMIT 50)`,
    [staleAfterSeconds * 3],
  );
  const viewers = await tx.query<{ agent_id: string; name: string; typing: boolean }>(
    `SELECT p.agent_id, a.name, coalesce(p.typing_until > now(), false) AS typing
       FROM presence p JOIN agents a ON a.id = p.agent_id
      WHERE p.tenant_id = $1 AND p.conversation_id = $2 AND p.agent_id <> $3 AND p.seen_at > now() - make_interval(secs => $4)
      ORDER BY a.name`,
    [tenantId, conversationId, agentId, staleAfterSeconds],
  );
  return viewers.rows.map((row) => ({ agentId: row.agent_id, name: row.name, typing: row.typing }));
}
