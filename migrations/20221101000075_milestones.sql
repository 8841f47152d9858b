-- 任务分解: an item broken into milestones, each owned by one of the item's units, with a stated
-- output (成果) and a date; done when its unit or the office says so. Progress is the weighted
-- share done (weights 1 by default).
CREATE TABLE milestones (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id    bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    unit_id    bigint NOT NULL REFERENCES units (id),
    output     text NOT NULL CHECK (output <> '' AND length(output) <= 500),
    due_on     date NOT NULL,
    weight     integer NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 100),
    done_on    date,
    done_by    bigint REFERENCES users (id),
    created_by bigint REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1
);
CREATE INDEX milestones_task_idx ON milestones (task_id, due_on, id);

-- The lights read them with the tasks: the revision the summaries are kept under follows them.
CREATE CONSTRAINT TRIGGER milestones_raise_revision AFTER INSERT OR UPDATE OR DELETE ON milestones
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (current_setting('duban.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION raise_data_revision();
CREATE TRIGGER milestones_truncate_raises_revision AFTER TRUNCATE ON milestones
    FOR EACH STATEMENT EXECUTE FUNCTION raise_data_revision();

-- Adding, changing, finishing and removing one is a change of the task: in its history.
ALTER TABLE task_history DROP CONSTRAINT task_history_kind_check;
ALTER TABLE task_history ADD CONSTRAINT task_history_kind_check
    CHECK (kind IN ('units', 'deadline', 'cycle', 'designation', 'closure', 'match', 'milestone'));
