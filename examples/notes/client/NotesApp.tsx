import { useEffect, useState } from 'react';
import { releaseInBackForwardCache } from 'holdfast/client';
import { PasswordSignIn, useStoreSelector } from 'holdfast/react';
import { appName } from '../shared/notes.js';
import { NotesStore, signIn, type SignedIn } from './NotesStore.js';

/** Who is signed in, so a reload (offline too) opens their notes. No credential: the session is an HttpOnly cookie. */
const signedInKey = `${appName}.signed-in`;
const loadSignedIn = (): SignedIn | null => JSON.parse(localStorage.getItem(signedInKey) ?? 'null') as SignedIn | null;

export function NotesApp() {
  const [signedIn, setSignedIn] = useState(loadSignedIn);
  const [store, setStore] = useState<NotesStore | null>(null);
  useEffect(() => {
    if (!signedIn) return;
    const next = new NotesStore(signedIn);
    setStore(next);
    void next.start();
    const stopWatching = releaseInBackForwardCache(() => void next.stop());
    return () => {
      stopWatching();
      void next.stop();
    };
  }, [signedIn]);
  const onSignedIn = (session: SignedIn) => {
    localStorage.setItem(signedInKey, JSON.stringify({ agent: session.agent, tenant: session.tenant }));
    setSignedIn(session);
  };
  const signOut = () => {
    localStorage.removeItem(signedInKey);
    setSignedIn(null);
    setStore(null);
    void store?.signOut();
  };
  if (!signedIn) return <PasswordSignIn signIn={signIn} onSignedIn={onSignedIn} />;
  return store && <Notes store={store} onSignOut={signOut} />;
}

function Notes({ store, onSignOut }: { store: NotesStore; onSignOut: () => void }) {
  const notes = useStoreSelector(store, (state) => state.notes);
  const reachability = useStoreSelector(store, (state) => state.client.reachability);
  const queued = useStoreSelector(store, (state) => state.client.outbox.pending.length);
  const [text, setText] = useState('');
  return (
    <main>
      <p role="status" aria-label="Sync status">
        {reachability === 'online' ? 'Online' : reachability === 'slow' ? 'Slow' : 'Offline'} · {queued === 0 ? 'All saved' : `${queued} not sent yet`}
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void store.write(text);
          setText('');
        }}
      >
        <input aria-label="New note" value={text} onChange={(event) => setText(event.target.value)} required />
        <button type="submit">Add</button>
      </form>
      <ul aria-label="Notes">
        {notes.map((note) => (
          <li key={note.id} aria-label={note.text}>
            {note.text} {note.pending && <small>(not sent yet)</small>}
          </li>
        ))}
      </ul>
      <button type="button" onClick={onSignOut}>
        Sign out
      </button>
    </main>
  );
}
