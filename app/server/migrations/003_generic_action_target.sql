-- The action envelope names its target generically (`targetId`): the engine does not know what a
-- conversation is, and a task or a document is a target as well. Data is kept; only the name changes.
ALTER TABLE applied_actions RENAME COLUMN conversation_id TO target_id;
