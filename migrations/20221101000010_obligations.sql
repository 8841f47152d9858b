-- 不溯及既往: a unit owes reports only for periods that end on or after the day it was assigned
-- to the task, and a task's cycle and deadline apply from the day they were set. What stood
-- before is kept, so that `?as_of=` replays the assignments, cycles and deadlines of that day.

-- The day the unit was assigned to the task. NULL: named in the plan's own text, so assigned as
-- of the plan's issue date (1 January of the plan's year when it has none); the importer and the
-- bulk loader write such rows.
ALTER TABLE task_units ADD COLUMN assigned_on date;

-- Backfill: a unit the office designated is assigned as of the last day its task's history
-- shows it joining (the history names units by short name); others keep the plan's issue date.
UPDATE task_units tu SET assigned_on = joined.day
FROM (
    SELECT h.task_id, u.id AS unit_id, max(h.at::date) AS day
    FROM task_history h
    JOIN tasks t ON t.id = h.task_id
    JOIN plans p ON p.id = t.plan_id
    JOIN units u ON u.directory = p.issuer
    WHERE h.kind = 'units'
      AND h.after @> jsonb_build_array(jsonb_build_object('unit', u.short_name))
      AND NOT h.before @> jsonb_build_array(jsonb_build_object('unit', u.short_name))
    GROUP BY h.task_id, u.id
) joined
WHERE tu.designated AND tu.task_id = joined.task_id AND tu.unit_id = joined.unit_id;

-- Assignments that ended: the unit was on the task from assigned_on until removed_on (the day
-- it was taken off, on which it no longer owes anything).
CREATE TABLE task_unit_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id     bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    unit_id     bigint NOT NULL REFERENCES units (id),
    role        unit_role NOT NULL,
    assigned_on date NOT NULL,
    removed_on  date NOT NULL,
    CHECK (removed_on >= assigned_on)
);
CREATE INDEX task_unit_history_task_idx ON task_unit_history (task_id, removed_on);

-- A task's own cycle and deadline (NULL: the plan's) as they stood until replaced_on, the day a
-- change to either took effect. The current ones are on `tasks`.
CREATE TABLE task_terms_history (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id       bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    replaced_on   date NOT NULL,
    cycle         report_cycle,
    deadline_kind deadline_kind,
    deadline_date date,
    checkpoints   jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX task_terms_history_task_idx ON task_terms_history (task_id, replaced_on, id);

-- Both feed the summary: they raise the data revision like the tables they extend.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['task_unit_history', 'task_terms_history']
    LOOP
        EXECUTE format(
            'CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
                 DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                 WHEN (current_setting(''duban.bulk_load'', true) IS DISTINCT FROM ''on'')
                 EXECUTE FUNCTION raise_data_revision()',
            t || '_raise_revision', t);
        EXECUTE format(
            'CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT
                 EXECUTE FUNCTION raise_data_revision()',
            t || '_truncate_raises_revision', t);
    END LOOP;
END $$;
