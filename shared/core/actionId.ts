import { v7 } from 'uuid';

/**
 * A new action id: a UUIDv7, unique without coordination and sortable by creation time, so the outbox
 * and the server's log order the same way a person acted. The server keys "at most once" on this id.
 */
export function newActionId(): string {
  return v7();
}
