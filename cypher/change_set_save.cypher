// Create or update a change set that is not applied; one applied meanwhile stays as it is.
// @param id "cs-0a1b2c3d4e"
// @param status "proposed"
// @param created_at "2026-01-31T09:30:00+00:00"
// @param body "{\"id\": \"cs-0a1b2c3d4e\", \"status\": \"proposed\"}"
// @param parties ["wipo-head-sscs"]
// Applying a change set is log_append's: a change set applied by another writer between
// the caller's reading and this statement is not written over (saved is then false).
OPTIONAL MATCH (held:ChangeSet {id: $id})
WITH coalesce(held.status = 'applied', false) AS applied
FOREACH (_ IN CASE WHEN applied THEN [] ELSE [1] END |
  MERGE (c:ChangeSet {id: $id})
  SET c.status = $status, c.created_at = $created_at, c.body = $body, c.parties = $parties)
RETURN NOT applied AS saved
