-- 签收 and 申诉: each unit assigned to a task acknowledges its assignment once, or contests it
-- with a kind and a reason; the office decides a contest (keep, change the role, remove the
-- unit). An assignment not answered within the plan's window shows on /reporting.
ALTER TABLE plans ADD COLUMN acknowledge_days integer NOT NULL DEFAULT 10
    CHECK (acknowledge_days BETWEEN 1 AND 90);

CREATE TABLE assignment_acknowledgements (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id         bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    unit_id         bigint NOT NULL REFERENCES units (id),
    accepted        boolean NOT NULL,
    -- A contest's kind: not_our_remit 不属本单位职责, should_be_co 应为配合单位,
    -- should_be_lead 应为牵头单位, wording 任务表述需调整.
    kind            text CHECK (kind IN ('not_our_remit', 'should_be_co', 'should_be_lead', 'wording')),
    reason          text CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 2000),
    answered_by     bigint REFERENCES users (id),
    answered_at     timestamptz NOT NULL DEFAULT now(),
    -- The office's day (duban's clock).
    answered_on     date NOT NULL,
    -- The office's decision on a contest: keep 维持, change_role 调整职责, remove 移除.
    decision        text CHECK (decision IN ('keep', 'change_role', 'remove')),
    decision_reason text CHECK (decision_reason IS NULL OR length(decision_reason) BETWEEN 1 AND 2000),
    decided_by      bigint REFERENCES users (id),
    decided_at      timestamptz,
    version         integer NOT NULL DEFAULT 1,
    CHECK (accepted = (kind IS NULL)),
    CHECK (accepted OR reason IS NOT NULL),
    CHECK (NOT accepted OR decision IS NULL),
    CHECK ((decision IS NULL) = (decided_at IS NULL))
);
-- Once per assignment.
CREATE UNIQUE INDEX assignment_acknowledgements_once_idx
    ON assignment_acknowledgements (task_id, unit_id);
CREATE INDEX assignment_acknowledgements_open_idx ON assignment_acknowledgements (task_id)
    WHERE NOT accepted AND decided_at IS NULL;

-- A contest turns the task's light yellow: a change to them is a change of the data shown.
CREATE CONSTRAINT TRIGGER assignment_acknowledgements_raise_revision
    AFTER INSERT OR UPDATE OR DELETE ON assignment_acknowledgements
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (current_setting('duban.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION raise_data_revision();
