-- 工作要点: plans, their sections, subsections, tasks, units and responsibilities.
-- Many plans live side by side (each year's, each province's): every table is keyed by plan.

CREATE TABLE plans (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issuer        text NOT NULL CHECK (issuer <> ''),
    doc_number    text CHECK (doc_number <> ''),
    title         text NOT NULL CHECK (title <> ''),
    year          integer NOT NULL CHECK (year BETWEEN 1990 AND 2200),
    issued_on     date,
    printed_on    date,
    preamble      text NOT NULL DEFAULT '',
    source_name   text NOT NULL,
    source_sha256 text NOT NULL CHECK (source_sha256 ~ '^[0-9a-f]{64}$'),
    imported_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (issuer, title)
);
CREATE UNIQUE INDEX plans_issuer_doc_number_key ON plans (issuer, doc_number)
    WHERE doc_number IS NOT NULL;
CREATE INDEX plans_newest_idx ON plans (year DESC, issued_on DESC NULLS LAST, id DESC);

CREATE TABLE sections (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    number  integer NOT NULL CHECK (number > 0),
    title   text NOT NULL,
    UNIQUE (plan_id, number),
    UNIQUE (plan_id, id)
);

CREATE TABLE subsections (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id    bigint NOT NULL,
    section_id bigint NOT NULL,
    number     integer NOT NULL CHECK (number > 0),
    title      text NOT NULL,
    UNIQUE (section_id, number),
    UNIQUE (plan_id, id),
    FOREIGN KEY (plan_id, section_id) REFERENCES sections (plan_id, id) ON DELETE CASCADE
);

CREATE TABLE tasks (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id             bigint NOT NULL,
    subsection_id       bigint NOT NULL,
    number              integer NOT NULL CHECK (number > 0),
    -- 1-based order of the task in its plan.
    position            integer NOT NULL CHECK (position > 0),
    code                text NOT NULL CHECK (code ~ '^[0-9]+\.[0-9]+\.[0-9]+$'),
    text                text NOT NULL CHECK (text <> ''),
    source_text         text NOT NULL,
    responsibility_text text NOT NULL,
    -- 领导小组有关成员单位 / 等: the document leaves some member units unnamed.
    unnamed_members     boolean NOT NULL,
    source_line         integer NOT NULL,
    UNIQUE (plan_id, code),
    UNIQUE (plan_id, position),
    UNIQUE (subsection_id, number),
    FOREIGN KEY (plan_id, subsection_id) REFERENCES subsections (plan_id, id) ON DELETE CASCADE
);

-- 成员单位: units belong to the member directory of one leading group (a plan's issuer), so
-- that a province's 市公安局 is never confused with another's.
CREATE TABLE units (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    directory   text NOT NULL CHECK (directory <> ''),
    short_name  text NOT NULL CHECK (short_name <> ''),
    full_name   text NOT NULL CHECK (full_name <> ''),
    -- Directory order (the data file's order; units first met in a plan come after).
    sort_order  integer NOT NULL,
    UNIQUE (directory, short_name)
);

CREATE TYPE unit_role AS ENUM ('lead', 'co');

CREATE TABLE task_units (
    task_id  bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    unit_id  bigint NOT NULL REFERENCES units (id),
    role     unit_role NOT NULL,
    -- Order within the role, as the document lists them.
    position integer NOT NULL CHECK (position > 0),
    PRIMARY KEY (task_id, unit_id),
    UNIQUE (task_id, role, position)
);
CREATE INDEX task_units_unit_idx ON task_units (unit_id, role);

-- 勘误: corrections applied to a task's text at import (the source text stays verbatim).
CREATE TABLE errata (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    wrong   text NOT NULL CHECK (wrong <> ''),
    "right" text NOT NULL,
    note    text NOT NULL DEFAULT '',
    UNIQUE (task_id, wrong)
);
