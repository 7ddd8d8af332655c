// The edges leaving some parties, a page at a time, for a snapshot of the whole graph.
// @param ids ["wipo-director-general", "wipo-head-sscs"]
// @param as_of "2009-01-01"
// @param skip 0
// @param limit 1000
// Ordered by source, relation, target and scope (a key: one edge each), so that $skip
// pages through them; a page shorter than $limit is the last. On the day $as_of (an ISO
// date; null: whatever the dates) only edges valid that day between parties valid then.
UNWIND $ids AS id
MATCH (s:Party {id: id})-[r]->(o:Party)
WHERE $as_of IS NULL OR all(x IN [s, r, o]
      WHERE (x.valid_from IS NULL OR x.valid_from <= $as_of)
        AND (x.valid_to IS NULL OR x.valid_to >= $as_of))
WITH s, r, o
ORDER BY s.id, r.relation, o.id, r.scope_key
SKIP $skip
LIMIT $limit
RETURN s.id AS source, o.id AS target,
       r {.relation, .scope, .citations_json, .note_json, .valid_from, .valid_to, .ordinal} AS edge
