-- Office tools: firm assignments (责任分工), deadlines (办理时限), reporting cycles (报送周期),
-- optimistic versions and the history of every change.

CREATE TYPE deadline_kind AS ENUM ('date', 'year_end', 'ongoing', 'staged');
CREATE TYPE report_cycle AS ENUM ('monthly', 'quarterly', 'half_yearly', 'none');

ALTER TABLE plans
    ADD COLUMN default_deadline_kind deadline_kind NOT NULL DEFAULT 'ongoing',
    ADD COLUMN default_deadline_date date,
    ADD COLUMN cycle report_cycle NOT NULL DEFAULT 'quarterly',
    -- Reports are due this many days after their period ends.
    ADD COLUMN due_days integer NOT NULL DEFAULT 10,
    ADD COLUMN version integer NOT NULL DEFAULT 1,
    ADD CONSTRAINT plans_default_deadline_check CHECK (
        default_deadline_kind IN ('date', 'year_end', 'ongoing')
        AND (default_deadline_kind = 'date') = (default_deadline_date IS NOT NULL)),
    ADD CONSTRAINT plans_cycle_check CHECK (cycle <> 'none'),
    ADD CONSTRAINT plans_due_days_check CHECK (due_days BETWEEN 0 AND 90);

ALTER TABLE tasks
    ADD COLUMN version integer NOT NULL DEFAULT 1,
    -- False while units the document leaves unnamed are still to be designated.
    ADD COLUMN designation_complete boolean NOT NULL DEFAULT true,
    -- NULL: the plan's default.
    ADD COLUMN deadline_kind deadline_kind,
    ADD COLUMN deadline_date date,
    -- NULL: the plan's cycle.
    ADD COLUMN cycle report_cycle,
    ADD CONSTRAINT tasks_deadline_date_check CHECK (
        (deadline_kind IS NOT DISTINCT FROM 'date') = (deadline_date IS NOT NULL));

UPDATE tasks SET designation_complete = NOT unnamed_members;

-- Units the office added (designated), as opposed to those the document names.
ALTER TABLE task_units ADD COLUMN designated boolean NOT NULL DEFAULT false;

-- 分阶段: dated checkpoints of a staged deadline.
CREATE TABLE task_checkpoints (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    due_on  date NOT NULL,
    title   text NOT NULL CHECK (title <> '' AND length(title) <= 200),
    UNIQUE (task_id, due_on, title)
);
CREATE INDEX task_checkpoints_task_idx ON task_checkpoints (task_id, due_on);

-- Every change to a task's units, deadline, cycle and designation: who, when, before, after.
CREATE TABLE task_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id     bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id),
    actor_login text,
    kind        text NOT NULL CHECK (kind IN ('units', 'deadline', 'cycle', 'designation')),
    before      jsonb NOT NULL,
    after       jsonb NOT NULL
);
CREATE INDEX task_history_task_idx ON task_history (task_id, at DESC, id DESC);
