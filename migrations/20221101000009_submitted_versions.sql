-- 报送版本: what a unit attaches to a report or asks of the office while the report is a draft
-- or returned belongs to its working copy until the report is submitted; others read the last
-- submitted version only (its text is the snapshot of the latest submit event).
--
-- `submitted_at`: the time of the submission a file or a coordination request first went out
-- with (NULL: not submitted yet, seen only by those who write for the unit).
-- `withdrawn_at`: removed from the working copy after it went out; the submitted version others
-- read still holds it until the next submission, which deletes it.
ALTER TABLE attachments
    ADD COLUMN submitted_at timestamptz,
    ADD COLUMN withdrawn_at timestamptz,
    ADD CONSTRAINT attachments_withdrawn_check
        CHECK (withdrawn_at IS NULL OR submitted_at IS NOT NULL);
ALTER TABLE coordination_requests
    ADD COLUMN submitted_at timestamptz,
    ADD COLUMN withdrawn_at timestamptz,
    ADD CONSTRAINT coordination_withdrawn_check
        CHECK (withdrawn_at IS NULL OR submitted_at IS NOT NULL);

-- What is already held went out with the latest submission when made before it; a submitted or
-- accepted report takes no changes, so everything of one went out, as did every request the
-- office has answered.
UPDATE attachments a SET submitted_at = r.submitted_at
FROM reports r
WHERE r.id = a.report_id AND r.submitted_at IS NOT NULL
  AND (r.review_state IN ('submitted', 'accepted') OR a.uploaded_at <= r.submitted_at);
UPDATE coordination_requests c SET submitted_at = r.submitted_at
FROM reports r
WHERE r.id = c.report_id AND r.submitted_at IS NOT NULL
  AND (r.review_state IN ('submitted', 'accepted') OR c.created_at <= r.submitted_at
       OR c.state <> 'open');
