import { useSyncExternalStore } from 'react';

/** Anything with a snapshot and a way to hear of changes: an ExternalStore, an OutboxClient, an app's store. */
export type Subscribable<State> = { subscribe(listener: () => void): () => void; getSnapshot(): State };

/**
 * The framework's React binding: a component re-renders when the part of the store it selects changes.
 * `select` must return something already in the snapshot (or a primitive), not a new object each call.
 */
export function useStoreSelector<State, Selected>(store: Subscribable<State>, select: (state: State) => Selected): Selected {
  return useSyncExternalStore(store.subscribe, () => select(store.getSnapshot()));
}
