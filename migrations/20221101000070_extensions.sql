-- 延期申请: a responsible unit asks to move the task's deadline, or one of its checkpoints, to a
-- later date; the office approves (maybe with another date) or refuses. An approval becomes the
-- task's deadline (the one before is kept in task_terms_history); the request keeps both dates.
CREATE TABLE extension_requests (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id        bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    unit_id        bigint NOT NULL REFERENCES units (id),
    -- The checkpoint (its place in the list, from 0) whose date moves; NULL: the deadline.
    checkpoint     integer CHECK (checkpoint >= 0),
    -- The date in force when asked, and the one asked for.
    due_date       date NOT NULL,
    requested_date date NOT NULL CHECK (requested_date > due_date),
    reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    -- 逾期申请: asked after the date in force had passed.
    late           boolean NOT NULL,
    state          text NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'approved', 'refused')),
    -- The date granted (an approval may grant another than asked).
    decided_date   date,
    decision_reason text CHECK (decision_reason IS NULL OR length(decision_reason) BETWEEN 1 AND 2000),
    requested_by   bigint REFERENCES users (id),
    requested_at   timestamptz NOT NULL DEFAULT now(),
    decided_by     bigint REFERENCES users (id),
    decided_at     timestamptz,
    -- Bumped by the decision: a decision made from an old page is refused.
    version        integer NOT NULL DEFAULT 1,
    CHECK ((state = 'pending') = (decided_at IS NULL)),
    CHECK (state <> 'approved' OR decided_date IS NOT NULL)
);
-- One open request per task and unit at a time.
CREATE UNIQUE INDEX extension_requests_open_idx ON extension_requests (task_id, unit_id)
    WHERE state = 'pending';
CREATE INDEX extension_requests_task_idx ON extension_requests (task_id, requested_at DESC);
CREATE INDEX extension_requests_unit_idx ON extension_requests (unit_id);
CREATE INDEX extension_requests_waiting_idx ON extension_requests (requested_at)
    WHERE state = 'pending';

-- The summary counts extensions per unit: a change to them is a change of the data it shows.
CREATE CONSTRAINT TRIGGER extension_requests_raise_revision
    AFTER INSERT OR UPDATE OR DELETE ON extension_requests
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (current_setting('duban.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION raise_data_revision();
CREATE TRIGGER extension_requests_truncate_raises_revision
    AFTER TRUNCATE ON extension_requests FOR EACH STATEMENT
    EXECUTE FUNCTION raise_data_revision();
