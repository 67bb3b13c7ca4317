import { useEffect, useState } from 'react';

/**
 * A reply still held for Undo: "Sending in 3 s · Undo", counting down to the moment it may leave. Gone
 * once it can no longer be taken back (the parent stops rendering it).
 */
export function UndoBar({ holdUntil, onUndo }: { holdUntil: number; onUndo: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    // Ticks at each whole second left, so the figure changes when it should, not up to a second late.
    const timer = setTimeout(() => setNow(Date.now()), Math.max(50, (holdUntil - now) % 1000 || 1000));
    return () => clearTimeout(timer);
  }, [holdUntil, now]);
  const seconds = Math.max(1, Math.ceil((holdUntil - now) / 1000));
  return (
    <div className="undo-bar" role="status" aria-label="Reply held">
      <span>Sending in {seconds} s</span> ·
      <button type="button" onClick={onUndo}>
        Undo
      </button>
    </div>
  );
}
