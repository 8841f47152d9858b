-- A plan's number of tasks is shown on every page (the plan selector lists every plan), and
-- counting them there read every task of every plan. It is kept here instead, by a statement
-- trigger that also sees the importer's inserts and the bulk loader's COPY.
ALTER TABLE plans ADD COLUMN task_count bigint NOT NULL DEFAULT 0;
UPDATE plans p SET task_count = (SELECT count(*) FROM tasks t WHERE t.plan_id = p.id);

CREATE FUNCTION plans_count_inserted_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE plans p SET task_count = p.task_count + n.added
    FROM (SELECT plan_id, count(*) AS added FROM inserted GROUP BY plan_id) n
    WHERE p.id = n.plan_id;
    RETURN NULL;
END $$;

CREATE FUNCTION plans_count_deleted_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE plans p SET task_count = p.task_count - d.removed
    FROM (SELECT plan_id, count(*) AS removed FROM deleted GROUP BY plan_id) d
    WHERE p.id = d.plan_id;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_counted_on_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
    EXECUTE FUNCTION plans_count_inserted_tasks();
CREATE TRIGGER tasks_counted_on_delete AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT
    EXECUTE FUNCTION plans_count_deleted_tasks();
