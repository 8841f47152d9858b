-- A number that every committed change to plans, tasks, units, assignments, reports and their
-- histories raises. Pages built from many rows (the leaders' summary) are kept in each duban
-- process under it: a process reads this one row instead of rebuilding, and any number of
-- processes stay correct without talking to each other.
--
-- The triggers are deferred to commit, so this row is the last lock a transaction takes and can
-- never be part of a deadlock; a transaction raises it once however many rows it writes. The
-- bulk loader sets duban.bulk_load (its millions of rows are not queued) and raises it itself.
CREATE TABLE data_revision (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    revision bigint NOT NULL
);
INSERT INTO data_revision (id, revision) VALUES (true, 1);

CREATE FUNCTION raise_data_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('duban.revision_raised', true) IS DISTINCT FROM 'on' THEN
        UPDATE data_revision SET revision = revision + 1;
        PERFORM set_config('duban.revision_raised', 'on', true);
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['plans', 'sections', 'subsections', 'tasks', 'units', 'task_units',
                             'task_checkpoints', 'task_history', 'reports', 'report_events']
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
