import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { isVisiblyEmpty } from 'holdfast/client';
import type { CannedReply } from '../../shared/index.js';
import { CannedRepliesMenu } from './CannedRepliesMenu.js';

/** Set before a reload onto a new version when the composer had the focus (SignedInApp). */
export const resumeReplyKey = 'holdfast.resumeReply';

type Props = {
  cannedReplies: readonly CannedReply[];
  composerRef: RefObject<HTMLTextAreaElement | null>;
  /** Resolves once the reply is safely queued; rejects when it could not be (the text stays). */
  onSend: (text: string) => Promise<void>;
  /** Text to put back in the box (a reply taken back with Undo); `key` tells one restore from the next. */
  restore?: { text: string; key: number } | null;
  /** The conversation's stored draft, and where to keep what is typed (it survives reloads and updates). */
  draft?: { load: () => Promise<string>; save: (text: string) => void };
  /** The agent typed (for presence's "is typing…"). */
  onTyping?: () => void;
  /** More controls beside Send (the undo window setting). */
  actions?: ReactNode;
};

/** The reply box: Ctrl/⌘+Enter sends; a canned reply is inserted at the cursor, to be edited before sending. */
export function Composer({ cannedReplies, composerRef, onSend, restore, draft, onTyping, actions }: Props) {
  const [text, setTextState] = useState('');
  const [sending, setSending] = useState(false);
  // Typed before the stored draft was read: what was typed wins.
  const touched = useRef(false);
  const setText = (next: string) => {
    touched.current = true;
    setTextState(next);
    draft?.save(next);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per composer (it is keyed by conversation)
  useEffect(() => {
    let current = true;
    void draft?.load().then((stored) => {
      if (!current || !stored || touched.current) return;
      setTextState(stored);
      // The agent was typing when the tab reloaded onto a new version: back where they were.
      if (sessionStorage.getItem(resumeReplyKey) === '1') {
        sessionStorage.removeItem(resumeReplyKey);
        requestAnimationFrame(() => {
          composerRef.current?.focus();
          composerRef.current?.setSelectionRange(stored.length, stored.length);
        });
      }
    });
    return () => {
      current = false;
    };
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: setText also stores the draft: run when a restore arrives, not when setText is remade
  useEffect(() => {
    if (restore) setText(restore.text);
  }, [restore]);

  const send = async () => {
    // Only zero-width or format characters is as empty as only spaces: the server refuses both.
    if (isVisiblyEmpty(text) || sending) return;
    setSending(true);
    try {
      await onSend(text.trim());
      setText('');
    } catch {
      // Keep the text when it could not be queued, so nothing the agent wrote is lost.
    } finally {
      setSending(false);
      composerRef.current?.focus();
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  };

  const insert = (body: string) => {
    const field = composerRef.current;
    const start = field?.selectionStart ?? text.length;
    const end = field?.selectionEnd ?? text.length;
    setText(text.slice(0, start) + body + text.slice(end));
    requestAnimationFrame(() => {
      field?.focus();
      field?.setSelectionRange(start + body.length, start + body.length);
    });
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <label htmlFor="composer-text" className="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-text"
        ref={composerRef}
        rows={3}
        placeholder="Write a reply… (r to focus, Ctrl+Enter to send)"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          onTyping?.();
        }}
        onKeyDown={onKeyDown}
      />
      <div className="composer-actions">
        <CannedRepliesMenu replies={cannedReplies} onPick={insert} />
        {actions}
        <button type="submit" disabled={isVisiblyEmpty(text) || sending}>
          Send
        </button>
      </div>
    </form>
  );
}
