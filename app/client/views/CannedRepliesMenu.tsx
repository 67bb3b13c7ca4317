import { useEffect, useRef, useState } from 'react';
import type { CannedReply } from '../../shared/index.js';

/** A disclosure button with the tenant's canned replies; Escape closes it and returns focus. */
export function CannedRepliesMenu({ replies, onPick }: { replies: readonly CannedReply[]; onPick: (body: string) => void }) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (open) listRef.current?.querySelector('button')?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  return (
    <div className="canned">
      <button ref={buttonRef} type="button" aria-expanded={open} aria-controls="canned-replies-list" onClick={() => setOpen(!open)}>
        Canned replies
      </button>
      {open && (
        <ul
          id="canned-replies-list"
          ref={listRef}
          className="canned-list"
          aria-label="Canned replies"
          onKeyDown={(event) => {
            if (event.key === 'Escape') close();
          }}
        >
          {replies.map((reply) => (
            <li key={reply.id}>
              <button
                type="button"
                onClick={() => {
                  onPick(reply.body);
                  setOpen(false);
                }}
              >
                <strong>{reply.title}</strong>
                <span className="muted small">{reply.body}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
