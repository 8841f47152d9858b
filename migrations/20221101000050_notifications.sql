-- 通知: an outbox of notifications, written in the transaction of the event that causes them,
-- and delivered afterwards by a worker (站内消息 at once; e-mail and webhooks by the outbox).

-- An address to write to; the unit's contact address serves when none of its liaisons has one.
ALTER TABLE users ADD COLUMN email text CHECK (email IS NULL OR (length(email) <= 254 AND email ~ '^[^\s@]+@[^\s@]+$'));
ALTER TABLE units ADD COLUMN contact_email text CHECK (contact_email IS NULL OR (length(contact_email) <= 254 AND contact_email ~ '^[^\s@]+@[^\s@]+$'));
ALTER TABLE units ADD COLUMN webhook_url text CHECK (webhook_url IS NULL OR webhook_url ~ '^https?://');
ALTER TABLE units ADD COLUMN webhook_secret text;

-- 通知事件: what happened, once, worded for its readers when it happened.
CREATE TABLE notice_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
    plan_id    bigint REFERENCES plans (id) ON DELETE CASCADE,
    task_id    bigint REFERENCES tasks (id) ON DELETE CASCADE,
    -- The unit the event is addressed to (its liaisons, its webhook), if any.
    unit_id    bigint REFERENCES units (id),
    actor_id   bigint REFERENCES users (id),
    title      text NOT NULL CHECK (title <> '' AND title !~ '[\r\n]'),
    body       text NOT NULL,
    -- A path inside duban (/tasks/12), made absolute with DUBAN_PUBLIC_URL in mail.
    link       text NOT NULL CHECK (link ~ '^/'),
    -- Scheduled reminders exist once per unit, task, period and kind.
    dedup_key  text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notice_events_task_idx ON notice_events (task_id);

-- 站内消息: one per recipient.
CREATE TABLE notifications (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id bigint NOT NULL REFERENCES notice_events (id) ON DELETE CASCADE,
    user_id  bigint NOT NULL REFERENCES users (id),
    read_at  timestamptz,
    UNIQUE (event_id, user_id)
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- 投递: the outbox of messages that leave duban. A worker claims due rows with
-- FOR UPDATE SKIP LOCKED; a claimed row is 'sending' until next_at (a lease), so a row whose
-- process died mid-send is claimed again later, and resent with the same Message-ID.
CREATE TABLE deliveries (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   bigint NOT NULL REFERENCES notice_events (id) ON DELETE CASCADE,
    channel    text NOT NULL CHECK (channel IN ('email', 'webhook')),
    -- The recipient: a user, a unit (contact address, webhook), or neither (the office's webhook).
    user_id    bigint REFERENCES users (id),
    unit_id    bigint REFERENCES units (id),
    address    text NOT NULL,
    -- A daily digest's part: held until the digest hour, then sent with the others in one mail.
    digest     boolean NOT NULL DEFAULT false,
    state      text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts   integer NOT NULL DEFAULT 0,
    next_at    timestamptz NOT NULL DEFAULT now(),
    last_error text,
    sent_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_due_idx ON deliveries (next_at) WHERE state IN ('pending', 'sending');
CREATE INDEX deliveries_log_idx ON deliveries (id DESC);

-- 通知方式: per user and kind of event, how e-mail comes (the inbox always receives).
CREATE TABLE notice_prefs (
    user_id bigint NOT NULL REFERENCES users (id),
    kind    text NOT NULL,
    mode    text NOT NULL CHECK (mode IN ('none', 'immediate', 'digest')),
    PRIMARY KEY (user_id, kind)
);

-- 关注: a user follows a task and receives its events.
CREATE TABLE task_followers (
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users (id),
    since   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, user_id)
);
CREATE INDEX task_followers_user_idx ON task_followers (user_id);
