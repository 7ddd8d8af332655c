// A page of change sets, newest first, optionally of one status, naming a party, or recent.
// @param status "proposed"
// @param party "wipo-head-sscs"
// @param since "2026-01-01T00:00:00+00:00"
// @param after "cs-0a1b2c3d4e"
// @param limit 50
// Newest by creation (an ISO UTC moment), then by id, both descending; $after is the id
// the previous page ended with (null: from the newest; an id of none: no page). $party
// keeps those whose operations or effects name the party; $since (null: any) those
// created at or after it.
OPTIONAL MATCH (anchor:ChangeSet {id: $after})
WITH anchor
MATCH (c:ChangeSet)
WHERE ($status IS NULL OR c.status = $status)
  AND ($party IS NULL OR $party IN c.parties)
  AND ($since IS NULL OR c.created_at >= $since)
  AND ($after IS NULL
       OR (anchor IS NOT NULL
           AND (c.created_at < anchor.created_at
                OR (c.created_at = anchor.created_at AND c.id < anchor.id))))
WITH c
ORDER BY c.created_at DESC, c.id DESC
LIMIT $limit
RETURN c.id AS id, c.created_at AS created_at, c.body AS body
