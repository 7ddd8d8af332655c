// What "did you mean" compares an unknown id with, each list bounded.
// @param key "wipo-dg"
// @param id "wipo-dg"
// @param folded "wipo-dg"
// @param limit 3
// @param pool 5001
// @param containing 6
// The parties whose id or an alias has the same name key (dataset order), the ids sorted
// just before and from it, and the ids that contain it case-folded (id order).
OPTIONAL MATCH (a:Party)
WHERE $key IN a.name_keys
WITH a
ORDER BY a.ordinal
LIMIT $limit
WITH collect(a.id) AS named
OPTIONAL MATCH (b:Party)
WHERE b.id < $id
WITH named, b
ORDER BY b.id DESC
LIMIT $pool
WITH named, collect(b.id) AS before
OPTIONAL MATCH (c:Party)
WHERE c.id >= $id
WITH named, before, c
ORDER BY c.id
LIMIT $pool
WITH named, before, collect(c.id) AS after
OPTIONAL MATCH (d:Party)
WHERE d.id_folded CONTAINS $folded
WITH named, before, after, d
ORDER BY d.id
LIMIT $containing
RETURN named, before, after, collect(d.id) AS containing
