// What "did you mean" compares an unknown id with, each list bounded.
// @param key "wipo-dg"
// @param id "wipo-dg"
// @param folded "wipo-dg"
// @param limit 3
// @param pool 5001
// @param containing 6
// @param as_of "2009-01-01"
// The parties whose id or an alias has the same name key (dataset order), the ids sorted
// just before and from it, and the ids that contain it case-folded (id order); on the day
// $as_of (an ISO date; null: whatever the dates) only of parties valid that day.
OPTIONAL MATCH (a:Party)
WHERE $key IN a.name_keys
  AND ($as_of IS NULL OR ((a.valid_from IS NULL OR a.valid_from <= $as_of)
                          AND (a.valid_to IS NULL OR a.valid_to >= $as_of)))
WITH a
ORDER BY a.ordinal
LIMIT $limit
WITH collect(a.id) AS named
OPTIONAL MATCH (b:Party)
WHERE b.id < $id
  AND ($as_of IS NULL OR ((b.valid_from IS NULL OR b.valid_from <= $as_of)
                          AND (b.valid_to IS NULL OR b.valid_to >= $as_of)))
WITH named, b
ORDER BY b.id DESC
LIMIT $pool
WITH named, collect(b.id) AS before
OPTIONAL MATCH (c:Party)
WHERE c.id >= $id
  AND ($as_of IS NULL OR ((c.valid_from IS NULL OR c.valid_from <= $as_of)
                          AND (c.valid_to IS NULL OR c.valid_to >= $as_of)))
WITH named, before, c
ORDER BY c.id
LIMIT $pool
WITH named, before, collect(c.id) AS after
OPTIONAL MATCH (d:Party)
WHERE d.id_folded CONTAINS $folded
  AND ($as_of IS NULL OR ((d.valid_from IS NULL OR d.valid_from <= $as_of)
                          AND (d.valid_to IS NULL OR d.valid_to >= $as_of)))
WITH named, before, after, d
ORDER BY d.id
LIMIT $containing
RETURN named, before, after, collect(d.id) AS containing
