import { StrictMode, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';

/** The baseline of bench:first-load: a bare Vite + React 19 page that renders a sign-in form, nothing else. */
function SignIn() {
  const [message, setMessage] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMessage('Signing in…');
  };
  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', fontFamily: 'system-ui, sans-serif' }}>
      <form onSubmit={submit} style={{ display: 'grid', gap: '0.8rem', width: 'min(360px, 92vw)' }}>
        <h1>Sign in</h1>
        <label>
          Email <input type="email" required />
        </label>
        <label>
          Password <input type="password" required />
        </label>
        <button type="submit">Sign in</button>
        <p>{message}</p>
      </form>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SignIn />
  </StrictMode>,
);
