import { undoWindowChoices } from '../state/undoWindow.js';
import { useWorkspace, useWorkspaceStore } from '../state/useWorkspace.js';

/** The agent's undo window for replies, beside Send: off, 4 s or 10 s. */
export function UndoWindowSetting() {
  const store = useWorkspaceStore();
  const undoWindowMs = useWorkspace((state) => state.undoWindowMs);
  return (
    <select aria-label="Undo window" className="undo-window" value={undoWindowMs} onChange={(event) => store.setUndoWindow(Number(event.target.value))}>
      {undoWindowChoices.map((choice) => (
        <option key={choice.ms} value={choice.ms}>
          {choice.label}
        </option>
      ))}
    </select>
  );
}
