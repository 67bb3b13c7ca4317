import type { ActionEnvelope } from '../core/protocol.js';

/** The actions to draw over one target's server state, in queue order. */
export type TargetOverlay = { pending: readonly ActionEnvelope[]; confirmed: readonly ActionEnvelope[] };

/**
 * What an app draws over server state while its actions are in flight: the pending ones, and the ones
 * the server has applied whose effect has not reached the local store yet (a sync started after them has
 * not landed), so nothing flickers back in between. Actions taken back (undo) or failed are never drawn
 * as done. The app decides what drawing an action on its data means (its own view functions);
 * this keeps the bookkeeping, which every app would otherwise write again.
 */
export class PendingOverlay {
  #confirmed: ActionEnvelope[] = [];
  readonly #cancelled = new Set<string>();

  /** The agent takes an action back; `restore` when the take-back failed (it was already on its way). */
  cancel(actionId: string): void {
    this.#cancelled.add(actionId);
  }
  restore(actionId: string): void {
    this.#cancelled.delete(actionId);
  }

  /** The server applied these: drawn as done until a sync that started after now has landed. */
  confirm(actions: readonly ActionEnvelope[]): void {
    this.#confirmed.push(...actions.filter((action) => !this.#cancelled.has(action.id)));
  }

  /** Whether any confirmed action is still drawn, waiting for a sync to land it. */
  get holdsConfirmed(): boolean {
    return this.#confirmed.length > 0;
  }

  /**
   * Call as a sync starts; call what it returns once that sync has landed: the actions confirmed before the
   * sync started are in the server state it brought, and are drawn no more. Answers whether any went.
   */
  syncStarting(): () => boolean {
    const drawn = new Set(this.#confirmed.map((action) => action.id));
    return () => {
      if (drawn.size === 0) return false;
      this.#confirmed = this.#confirmed.filter((action) => !drawn.has(action.id));
      return true;
    };
  }

  /** Per target, what to draw: `pending` (in queue order) and the confirmed ones not failed since. */
  byTarget(pending: readonly ActionEnvelope[], failedIds: ReadonlySet<string>): Map<string, TargetOverlay> {
    const overlays = new Map<string, { pending: ActionEnvelope[]; confirmed: ActionEnvelope[] }>();
    const slot = (targetId: string) => {
      let overlay = overlays.get(targetId);
      if (!overlay) {
        overlay = { pending: [], confirmed: [] };
        overlays.set(targetId, overlay);
      }
      return overlay;
    };
    for (const action of pending) slot(action.targetId).pending.push(action);
    for (const action of this.#confirmed) if (!failedIds.has(action.id) && !this.#cancelled.has(action.id)) slot(action.targetId).confirmed.push(action);
    return overlays;
  }
}
