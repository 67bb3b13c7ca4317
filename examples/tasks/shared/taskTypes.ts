/** A task of the team's list, as the server stores it and every client shows it. */
export type Task = {
  id: string;
  title: string;
  notes: string;
  done: boolean;
  assigneeId: string | null;
  createdBy: string;
  /** Bumped by every applied change. */
  version: number;
};

/** A member of the team (the framework's signed-in "agent"). */
export type Member = { id: string; name: string; email: string };

/** A page of delta sync: the tasks changed after the cursor. */
export type TaskSyncPage = { tasks: Task[]; cursor: string; hasMore: boolean };
