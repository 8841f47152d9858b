-- 领导批示: a leader's instruction on a task (or on one of its reports). The office relays it to
-- chosen units, each answers; the office sends an answer back for more, or closes it (办结).
CREATE TABLE instructions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id     bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    -- The report it was written on, if any.
    report_id   bigint REFERENCES reports (id) ON DELETE SET NULL,
    text        text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    -- The date by which the leader wants an answer.
    answer_by   date,
    -- new 待转办, relayed 办理中, answered 待办结 (every unit relayed to has answered),
    -- closed 已办结.
    state       text NOT NULL DEFAULT 'new'
                CHECK (state IN ('new', 'relayed', 'answered', 'closed')),
    written_by  bigint REFERENCES users (id),
    written_at  timestamptz NOT NULL DEFAULT now(),
    -- The office's day of writing and of closing (duban's clock, which a demo may set back):
    -- 本月批示 counts by these.
    written_on  date NOT NULL,
    closed_at   timestamptz,
    closed_on   date,
    -- Bumped by the office's relay and close: a decision from an old page is refused.
    version     integer NOT NULL DEFAULT 1,
    CHECK ((state = 'closed') = (closed_at IS NOT NULL)),
    CHECK ((closed_at IS NULL) = (closed_on IS NULL))
);
CREATE INDEX instructions_task_idx ON instructions (task_id, written_at DESC);
CREATE INDEX instructions_written_idx ON instructions (written_on);
CREATE INDEX instructions_open_idx ON instructions (state) WHERE state <> 'closed';

-- The units an instruction is relayed to, each with its answer.
CREATE TABLE instruction_units (
    instruction_id bigint NOT NULL REFERENCES instructions (id) ON DELETE CASCADE,
    unit_id        bigint NOT NULL REFERENCES units (id),
    answer         text CHECK (answer IS NULL OR length(answer) BETWEEN 1 AND 4000),
    answered_by    bigint REFERENCES users (id),
    answered_at    timestamptz,
    -- Bumped by the unit's answer and the office's sending it back.
    version        integer NOT NULL DEFAULT 1,
    PRIMARY KEY (instruction_id, unit_id),
    CHECK ((answer IS NULL) = (answered_at IS NULL))
);
CREATE INDEX instruction_units_unit_idx ON instruction_units (unit_id);

-- What happened to an instruction, in order: written, relayed (to a unit), answered (by a
-- unit), sent back (to a unit, with the office's reason), closed.
CREATE TABLE instruction_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instruction_id bigint NOT NULL REFERENCES instructions (id) ON DELETE CASCADE,
    kind           text NOT NULL
                   CHECK (kind IN ('written', 'relayed', 'answered', 'sent_back', 'closed')),
    unit_id        bigint REFERENCES units (id),
    -- The note, answer or reason.
    text           text,
    actor_id       bigint REFERENCES users (id),
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX instruction_events_idx ON instruction_events (instruction_id, id);

-- The summary counts instructions: a change to them is a change of the data it shows.
CREATE CONSTRAINT TRIGGER instructions_raise_revision
    AFTER INSERT OR UPDATE OR DELETE ON instructions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (current_setting('duban.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION raise_data_revision();
CREATE TRIGGER instructions_truncate_raises_revision
    AFTER TRUNCATE ON instructions FOR EACH STATEMENT
    EXECUTE FUNCTION raise_data_revision();
CREATE CONSTRAINT TRIGGER instruction_units_raise_revision
    AFTER INSERT OR UPDATE OR DELETE ON instruction_units
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (current_setting('duban.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION raise_data_revision();
