-- An edition's 通报 and an urge's 催办单 are issued once: a second issue of the same one would
-- give the same document a second number. (督办单 and 一览 are issued again as things move.)
CREATE UNIQUE INDEX documents_once_idx ON documents (kind, subject_id)
    WHERE kind IN ('bulletin', 'urge');
