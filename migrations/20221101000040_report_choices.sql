-- A draft may be saved before its unit has chosen 进展状态 or 自评: the columns keep a value
-- (they are NOT NULL everywhere they are read), and these flags say it was not chosen, so the
-- form shows “请选择” again instead of a preset. A submitted report always has both chosen.
ALTER TABLE reports
    ADD COLUMN status_chosen boolean NOT NULL DEFAULT true,
    ADD COLUMN assessment_chosen boolean NOT NULL DEFAULT true;
