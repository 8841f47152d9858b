-- 单位负责人签发: a unit head (单位负责人) signs off a liaison's report before it reaches the
-- office, where the office has switched sign-off on for the unit.

-- The new role. Added in this migration's transaction, it is not used as a value here: the
-- check below compares the role's text.
ALTER TYPE user_role ADD VALUE IF NOT EXISTS 'unit_head';

-- A liaison and a unit head belong to exactly one unit; other roles to none.
ALTER TABLE users DROP CONSTRAINT users_check;
ALTER TABLE users ADD CONSTRAINT users_unit_check
    CHECK ((role::text IN ('liaison', 'unit_head')) = (unit_id IS NOT NULL));

-- Whether the unit's reports need its head's sign-off before they reach the office.
ALTER TABLE units ADD COLUMN sign_off boolean NOT NULL DEFAULT false;

-- Each request for sign-off and its decision: at most one open per report. The report itself
-- stays as it was (a draft, or returned) until its head approves: only then is it submitted.
CREATE TABLE report_sign_offs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    asked_by    bigint NOT NULL REFERENCES users (id),
    asked_at    timestamptz NOT NULL DEFAULT now(),
    -- The report's version when asked: the head signs off what the liaison sent.
    version     integer NOT NULL,
    decided_by  bigint REFERENCES users (id),
    decided_at  timestamptz,
    approved    boolean,
    reason      text CHECK (reason IS NULL OR length(reason) <= 2000),
    CHECK ((decided_at IS NULL) = (approved IS NULL) AND (decided_at IS NULL) = (decided_by IS NULL)),
    -- A return says why.
    CHECK (approved IS NOT FALSE OR coalesce(reason, '') <> '')
);
CREATE UNIQUE INDEX report_sign_offs_open_idx ON report_sign_offs (report_id) WHERE decided_at IS NULL;
CREATE INDEX report_sign_offs_report_idx ON report_sign_offs (report_id, id);
