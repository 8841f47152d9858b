-- Accounts, API tokens, sessions, sign-in throttling and the audit log.

CREATE TYPE user_role AS ENUM ('office', 'liaison', 'leader');

CREATE TABLE users (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login                text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    display_name         text NOT NULL CHECK (display_name <> '' AND length(display_name) <= 100),
    role                 user_role NOT NULL,
    -- 联络员 belongs to exactly one unit; other roles to none.
    unit_id              bigint REFERENCES units (id),
    active               boolean NOT NULL DEFAULT true,
    password_hash        text NOT NULL,
    -- A one-time password set by the office: the user must choose a new one at next sign-in.
    must_change_password boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'liaison') = (unit_id IS NOT NULL))
);
CREATE INDEX users_unit_idx ON users (unit_id) WHERE unit_id IS NOT NULL;

CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    -- SHA-256 of the token; the token itself is shown once and never stored.
    token_hash   text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    -- The first characters, so that people can tell their tokens apart.
    prefix       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Failed sign-ins, kept in the database so that throttling holds across restarts and
-- across several duban processes.
CREATE TABLE sign_in_failures (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login       text NOT NULL,
    client_addr text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_login_idx ON sign_in_failures (login, at);
CREATE INDEX sign_in_failures_addr_idx ON sign_in_failures (client_addr, at);

-- 审计日志: who did what, when, from where.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id),
    actor_login text,
    client_addr text,
    action      text NOT NULL,
    target      text,
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_login, at DESC);

-- Sessions, where and as tower-sessions' PostgreSQL store expects them.
CREATE SCHEMA tower_sessions;
CREATE TABLE tower_sessions.session (
    id          text PRIMARY KEY NOT NULL,
    data        bytea NOT NULL,
    expiry_date timestamptz NOT NULL
);
CREATE INDEX session_expiry_idx ON tower_sessions.session (expiry_date);
