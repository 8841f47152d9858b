-- 报送版本的附件. A file attached while a report is a draft or returned belongs to the unit's
-- working copy until the report is submitted: `submitted_at` is the time of the submission it
-- first went out with (NULL: not submitted yet, seen only by those who write for the unit).
-- A file that went out and is then removed from the working copy stays in the submitted
-- version others read until the next submission replaces it: `withdrawn_at` marks it, and
-- the next submission deletes it.
ALTER TABLE attachments
    ADD COLUMN submitted_at timestamptz,
    ADD COLUMN withdrawn_at timestamptz,
    ADD CONSTRAINT attachments_withdrawn_check CHECK (withdrawn_at IS NULL OR submitted_at IS NOT NULL);

-- Files already held went out with the latest submission when uploaded before it; a submitted
-- or accepted report takes no new files, so every file of one went out.
UPDATE attachments a SET submitted_at = r.submitted_at
FROM reports r
WHERE r.id = a.report_id AND r.submitted_at IS NOT NULL
  AND (r.review_state IN ('submitted', 'accepted') OR a.uploaded_at <= r.submitted_at);
