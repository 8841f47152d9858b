-- 批量调整: a bulk change of tasks' units, kept whole so that it can be undone as one step.
CREATE TABLE bulk_changes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id    bigint NOT NULL REFERENCES plans (id),
    -- `add`: the unit joined each task in `role`; `remove`: it left each task.
    op         text NOT NULL CHECK (op IN ('add', 'remove')),
    unit_id    bigint NOT NULL REFERENCES units (id),
    role       unit_role,
    made_by    bigint REFERENCES users (id),
    made_at    timestamptz NOT NULL DEFAULT now(),
    undone_by  bigint REFERENCES users (id),
    undone_at  timestamptz
);

-- Each task the change touched: its units before, and its version after (an undo is refused
-- once the task has changed again).
CREATE TABLE bulk_change_tasks (
    change_id     bigint NOT NULL REFERENCES bulk_changes (id),
    task_id       bigint NOT NULL REFERENCES tasks (id),
    units_before  jsonb NOT NULL,
    version_after integer NOT NULL,
    PRIMARY KEY (change_id, task_id)
);
