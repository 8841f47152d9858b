-- 督办通报: numbered briefing editions, frozen as they were issued.
CREATE TABLE editions (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id   bigint NOT NULL REFERENCES plans (id),
    year      integer NOT NULL,
    number    integer NOT NULL CHECK (number > 0),
    as_of     date NOT NULL,
    issued_at timestamptz NOT NULL DEFAULT now(),
    issued_by bigint REFERENCES users (id),
    -- The summary and its red and yellow lists as they stood: never changed afterwards.
    snapshot  jsonb NOT NULL,
    UNIQUE (plan_id, year, number)
);

-- Frozen forever: an edition is never updated or deleted.
CREATE FUNCTION editions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'editions are frozen once issued';
END $$;
CREATE TRIGGER editions_frozen BEFORE UPDATE OR DELETE ON editions
    FOR EACH ROW EXECUTE FUNCTION editions_frozen();
