import { ActionRegistry } from 'holdfast/core';
import { taskActionSpecs } from './taskActions.js';

/** The task list's actions with their schemas (zod): the server validates with it. Pages need only taskActions.ts. */
export const taskActions = new ActionRegistry().registerSpecs(taskActionSpecs);
