-- 进展情况: progress reports with their versions, coordination requests and attachments;
-- closing tasks (办结); urging late units (催办).

CREATE TYPE report_status AS ENUM ('not_started', 'in_progress', 'done', 'behind');
CREATE TYPE assessment AS ENUM ('on_track', 'at_risk', 'off_track');
CREATE TYPE review_state AS ENUM ('draft', 'submitted', 'returned', 'accepted');
CREATE TYPE coordination_state AS ENUM ('open', 'answered', 'closed');

ALTER TABLE tasks
    ADD COLUMN closed_at timestamptz,
    ADD COLUMN closed_by bigint REFERENCES users (id),
    ADD COLUMN closing_note text,
    ADD CONSTRAINT tasks_closing_check CHECK ((closed_at IS NULL) = (closing_note IS NULL));

ALTER TABLE task_history DROP CONSTRAINT task_history_kind_check;
ALTER TABLE task_history ADD CONSTRAINT task_history_kind_check
    CHECK (kind IN ('units', 'deadline', 'cycle', 'designation', 'closure'));

-- One report per task, unit and period; edited in place while a draft or returned.
CREATE TABLE reports (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id            bigint NOT NULL REFERENCES tasks (id),
    unit_id            bigint NOT NULL REFERENCES units (id),
    period             text NOT NULL CHECK (period ~ '^[0-9]{4}-(Q[1-4]|H[12]|0[1-9]|1[0-2])$'),
    period_start       date NOT NULL,
    period_end         date NOT NULL,
    due_on             date NOT NULL,
    version            integer NOT NULL DEFAULT 1,
    review_state       review_state NOT NULL DEFAULT 'draft',
    status             report_status NOT NULL,
    self_assessment    assessment NOT NULL,
    office_assessment  assessment,
    work_done          text NOT NULL CHECK (length(work_done) BETWEEN 1 AND 5000),
    problems           text NOT NULL DEFAULT '' CHECK (length(problems) <= 5000),
    next_steps         text NOT NULL DEFAULT '' CHECK (length(next_steps) <= 5000),
    return_reason      text,
    first_submitted_at timestamptz,
    submitted_at       timestamptz,
    reviewed_at        timestamptz,
    reviewed_by        bigint REFERENCES users (id),
    accepted_at        timestamptz,
    created_by         bigint REFERENCES users (id),
    updated_by         bigint REFERENCES users (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (task_id, unit_id, period),
    CHECK (review_state <> 'returned' OR return_reason IS NOT NULL),
    CHECK (review_state = 'draft' OR first_submitted_at IS NOT NULL)
);
CREATE INDEX reports_review_idx ON reports (review_state, submitted_at);
CREATE INDEX reports_unit_idx ON reports (unit_id, period);

-- Every submission, return and acceptance, with the report as it stood: every version kept.
CREATE TABLE report_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id),
    actor_login text,
    action      text NOT NULL CHECK (action IN ('submitted', 'returned', 'accepted')),
    version     integer NOT NULL,
    reason      text,
    snapshot    jsonb NOT NULL
);
CREATE INDEX report_events_report_idx ON report_events (report_id, at, id);

-- 需协调事项: requests the office must answer.
CREATE TABLE coordination_requests (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    text        text NOT NULL CHECK (text <> '' AND length(text) <= 500),
    state       coordination_state NOT NULL DEFAULT 'open',
    answer      text CHECK (length(answer) <= 2000),
    answered_by bigint REFERENCES users (id),
    answered_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (state = 'open' OR answer IS NOT NULL)
);
CREATE INDEX coordination_open_idx ON coordination_requests (state, created_at);

CREATE TABLE attachments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id    bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    file_name    text NOT NULL CHECK (file_name <> '' AND length(file_name) <= 120),
    content_type text NOT NULL,
    size         integer NOT NULL CHECK (size BETWEEN 1 AND 20971520),
    sha256       text NOT NULL,
    data         bytea NOT NULL,
    uploaded_by  bigint REFERENCES users (id),
    uploaded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_report_idx ON attachments (report_id);

-- 催办: the office urging a unit about a period's missing or late reports.
CREATE TABLE urges (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id         bigint NOT NULL REFERENCES plans (id),
    unit_id         bigint NOT NULL REFERENCES units (id),
    period          text NOT NULL,
    task_codes      text[] NOT NULL,
    message         text NOT NULL CHECK (message <> '' AND length(message) <= 1000),
    created_by      bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz,
    acknowledged_by bigint REFERENCES users (id)
);
CREATE INDEX urges_unit_idx ON urges (unit_id, acknowledged_at);
