import { useSyncExternalStore } from 'react';

/** Anything with a snapshot and a way to hear of changes: an ExternalStore, an OutboxClient, an app's store. */
export type Subscribable<State> = { subscribe(listener: () => void): () => void; getSnapshot(): State };

/**
 * The framework's React binding: a component re-renders when the part of the store it selects changes.
 * `select` must return something already in the snapshot (or a primitive), not a new object each call.
 */
export function useStoreSelector<State, Selected>(store: Subscribable<State>, select: (state: State) => Selected): Selected {
  const selected = () => select(store.getSnapshot());
  // The same in prerendered markup (the sign-in page is prerendered at build time): what the store holds then.
  return useSyncExternalStore(store.subscribe, selected, selected);
}
