-- 公文: the documents the office issues (通报, 督办单, 催办单, 单位督办一览), each numbered in
-- its own series per plan, kind and year, and kept as issued.

-- 发文字号: the prefix of each kind's numbers (打假办督), set by the office per plan.
CREATE TABLE document_series (
    plan_id    bigint NOT NULL REFERENCES plans (id),
    kind       text NOT NULL CHECK (kind IN ('bulletin', 'supervision', 'urge', 'brief')),
    prefix     text NOT NULL CHECK (length(prefix) BETWEEN 1 AND 20),
    updated_by bigint REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, kind)
);

-- The last number given in a series: taken under its row lock in the issuing transaction, so
-- numbers are unique and gapless across processes (a rolled-back issue gives its number back).
CREATE TABLE document_counters (
    plan_id bigint NOT NULL REFERENCES plans (id),
    kind    text NOT NULL,
    year    integer NOT NULL,
    last    integer NOT NULL CHECK (last > 0),
    PRIMARY KEY (plan_id, kind, year)
);

CREATE TABLE documents (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id    bigint NOT NULL REFERENCES plans (id),
    kind       text NOT NULL CHECK (kind IN ('bulletin', 'supervision', 'urge', 'brief')),
    year       integer NOT NULL,
    number     integer NOT NULL CHECK (number > 0),
    -- 打假办督〔2022〕3号, as printed on the document.
    doc_number text NOT NULL,
    -- The edition, task, urge or unit the document is about, by kind.
    subject_id bigint NOT NULL,
    title      text NOT NULL,
    -- What the office entered when issuing (requirements, reply date, comments).
    inputs     jsonb NOT NULL DEFAULT '{}',
    -- The .docx as issued: a re-download gives these bytes.
    body       bytea NOT NULL,
    sha256     text NOT NULL,
    issued_by  bigint REFERENCES users (id),
    issued_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plan_id, kind, year, number)
);
CREATE INDEX documents_subject_idx ON documents (kind, subject_id, issued_at DESC);
CREATE INDEX documents_plan_idx ON documents (plan_id, issued_at DESC);

-- Issued is final: a document is never changed or removed (a correction is a new number).
-- One refusal for every table kept as issued, naming the table.
CREATE FUNCTION frozen_once_issued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% are frozen once issued', TG_TABLE_NAME;
END $$;
CREATE TRIGGER documents_frozen BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION frozen_once_issued();
