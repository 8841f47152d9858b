-- 报送提醒: reminders computed each day from the reporting rules, and the office's own channel.

-- A reminder exists once per unit, task, period and kind. `day` is the day it stands for: the
-- milestone's (7 and 3 days before the due date, the due date) for the reminders before it,
-- the day of sending for the daily 逾期 reminder, so that each day's is a reminder of its own.
CREATE TABLE reminders (
    unit_id  bigint NOT NULL REFERENCES units (id),
    task_id  bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    period   text NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('due_in_seven_days', 'due_in_three_days', 'due_today', 'overdue')),
    day      date NOT NULL,
    -- The message that carried it (one per unit and kind, listing its tasks).
    event_id bigint REFERENCES notice_events (id) ON DELETE SET NULL,
    PRIMARY KEY (unit_id, task_id, period, kind, day)
);
CREATE INDEX reminders_task_idx ON reminders (task_id);

-- One row per day the reminders were computed (by whichever process got there first).
CREATE TABLE reminder_runs (
    day       date PRIMARY KEY,
    reminders integer NOT NULL,
    messages  integer NOT NULL,
    ran_at    timestamptz NOT NULL DEFAULT now()
);

-- 办公室的通知渠道: the office's own webhook (an IM group robot), for what concerns the office
-- (reports submitted, the weekly digest). One row at most.
CREATE TABLE office_channels (
    only_row       boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    webhook_url    text CHECK (webhook_url IS NULL OR webhook_url ~ '^https?://'),
    webhook_secret text
);
