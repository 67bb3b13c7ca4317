import { z } from 'zod';
import { ActionRegistry, storableText } from 'holdfast/core';
import { sendAction, workspaceActionSpecs } from './definitions/index.js';
import { workspaceLegacyTargetField } from './legacyTargetField.js';

/**
 * The agent workspace's actions registered with the generic core: each defined once in definitions/
 * (payload schema, compaction, optimistic apply, conflict rule). Shared by the app, the service worker,
 * the reference server and (later) the offline demo backend.
 */
export type { WorkspaceAction, WorkspaceActionPayloads, WorkspaceActionType } from './definitions/index.js';
export { createWorkspaceAction } from './createWorkspaceAction.js';

const kit = { z, storableText };
/** A reply's payload schema on its own (its tests use it). */
export const sendPayload = sendAction.payload(kit);

export const workspaceActions = new ActionRegistry({ legacyTargetField: workspaceLegacyTargetField }).registerSpecs(workspaceActionSpecs);
