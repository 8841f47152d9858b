-- 与上年比对: each task of a plan matched, at import, to a task of the same issuer's plan of the
-- year before (rules::plan::match_plans), and the office's review of the proposal.
CREATE TABLE task_matches (
    task_id          bigint PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    -- Last year's task it continues; none for a new one.
    previous_task_id bigint REFERENCES tasks (id) ON DELETE SET NULL,
    label            text NOT NULL CHECK (label IN ('continued', 'changed', 'new')),
    -- The texts' likeness, 0 to 1, where matched.
    similarity       real CHECK (similarity IS NULL OR similarity BETWEEN 0 AND 1),
    -- proposed: as matching found it; reviewed: as the office accepted, rejected or chose it.
    state            text NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'reviewed')),
    reviewed_by      bigint REFERENCES users (id),
    reviewed_at      timestamptz,
    version          integer NOT NULL DEFAULT 1,
    CHECK ((previous_task_id IS NULL) = (label = 'new'))
);
CREATE INDEX task_matches_previous_idx ON task_matches (previous_task_id)
    WHERE previous_task_id IS NOT NULL;

-- The office's review is a change of the task like any other: in its history.
ALTER TABLE task_history DROP CONSTRAINT task_history_kind_check;
ALTER TABLE task_history ADD CONSTRAINT task_history_kind_check
    CHECK (kind IN ('units', 'deadline', 'cycle', 'designation', 'closure', 'match'));
