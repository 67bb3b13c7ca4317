import type { Viewer } from '../api/ApiClient.js';

/** "Bob is viewing this conversation" / "Bob is typing…": nothing at all when nobody else is there. */
export function PresenceLine({ viewers }: { viewers: readonly Viewer[] }) {
  if (viewers.length === 0) return null;
  const typing = viewers.filter((viewer) => viewer.typing);
  const names = (list: readonly Viewer[]) =>
    list.length === 1
      ? list[0]!.name
      : `${list
          .slice(0, -1)
          .map((viewer) => viewer.name)
          .join(', ')} and ${list.at(-1)!.name}`;
  const viewing = viewers.filter((viewer) => !viewer.typing);
  return (
    <p className="presence muted small" role="status" aria-label="Others here">
      {typing.length > 0 && (
        <span>
          {names(typing)} {typing.length === 1 ? 'is' : 'are'} typing…
        </span>
      )}
      {typing.length > 0 && viewing.length > 0 && ' · '}
      {viewing.length > 0 && (
        <span>
          {names(viewing)} {viewing.length === 1 ? 'is' : 'are'} viewing this conversation
        </span>
      )}
    </p>
  );
}
