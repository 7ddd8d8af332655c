// The log's head: the position and hash of the last applied change set's entry.
// No row when nothing was applied yet (the head is then position 0 and 64 zeros).
MATCH (e:LogEntry)
WITH e
ORDER BY e.position DESC
LIMIT 1
RETURN e.position AS position, e.hash AS hash
