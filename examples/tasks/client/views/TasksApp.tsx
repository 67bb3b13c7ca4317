import { useEffect, useState } from 'react';
import { releaseInBackForwardCache } from 'holdfast/client';
import { PasswordSignIn } from 'holdfast/react';
import { loadSignedIn, saveSignedIn } from '../signedIn.js';
import { TaskStore } from '../TaskStore.js';
import { tasksApi, type SignedIn } from '../tasksApi.js';
import { TaskList } from './TaskList.js';

const api = tasksApi();

/** Signed in: the member's list (from their local copy first); otherwise the sign-in form. */
export function TasksApp() {
  const [signedIn, setSignedIn] = useState<SignedIn | null>(loadSignedIn);
  const [store, setStore] = useState<TaskStore | null>(null);

  useEffect(() => {
    if (!signedIn) return;
    const next = new TaskStore({ api, signedIn });
    setStore(next);
    void next.start();
    const stopWatchingCache = releaseInBackForwardCache(() => void next.stop());
    return () => {
      stopWatchingCache();
      void next.stop();
    };
  }, [signedIn]);

  const onSignedIn = (session: SignedIn) => {
    saveSignedIn(session);
    setSignedIn(session);
  };
  const signOut = async () => {
    const current = store;
    setStore(null);
    setSignedIn(null);
    saveSignedIn(null);
    await current?.signOut();
  };

  if (!signedIn)
    return (
      <PasswordSignIn className="sign-in" signIn={api.signIn} onSignedIn={onSignedIn}>
        <h1>Sign in to your team</h1>
      </PasswordSignIn>
    );
  if (!store) return null;
  return <TaskList store={store} teamName={signedIn.tenant.name} onSignOut={() => void signOut()} onSignInAgain={() => onSignedIn(signedIn)} />;
}
