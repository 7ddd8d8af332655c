// Log entries after a position, oldest first: all, or those changing a party, or recent.
// @param after 0
// @param party "wipo-head-sscs"
// @param since "2026-01-01T00:00:00+00:00"
// @param limit 100
// $party (null: any) keeps the entries whose effects change it (its record, edges or
// duties); $since (an ISO UTC moment; null: any) those applied at or after it. Each entry
// is its canonical JSON, exactly as hashed.
MATCH (e:LogEntry)
WHERE e.position > $after
  AND ($party IS NULL OR $party IN e.parties)
  AND ($since IS NULL OR e.applied_at >= $since)
WITH e
ORDER BY e.position
LIMIT $limit
RETURN e.position AS position, e.entry AS entry
