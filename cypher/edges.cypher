// The edges leaving and/or arriving at a party, of some relations, with both ends' ids.
// @param id "wipo-director-general"
// @param relations ["ACCOUNTABLE_TO", "REPORTS_TO"]
// @param outgoing true
// @param incoming false
// @param loops_in true
// @param as_of "2009-01-01"
// Edges leave when $outgoing and arrive when $incoming; a self-loop arrives too unless
// $loops_in is false (BOTH lists it once, as leaving). On the day $as_of (an ISO date;
// null: whatever the dates) only edges valid that day between parties valid that day.
MATCH (p:Party {id: $id})-[r]->(o:Party)
WHERE $outgoing AND ($relations IS NULL OR r.relation IN $relations)
  AND ($as_of IS NULL OR all(x IN [p, r, o]
       WHERE (x.valid_from IS NULL OR x.valid_from <= $as_of)
         AND (x.valid_to IS NULL OR x.valid_to >= $as_of)))
RETURN p.id AS source, o.id AS target,
       r {.relation, .scope, .citations_json, .note_json, .valid_from, .valid_to} AS edge
UNION ALL
MATCH (p:Party {id: $id})<-[r]-(o:Party)
WHERE $incoming AND ($relations IS NULL OR r.relation IN $relations) AND ($loops_in OR o <> p)
  AND ($as_of IS NULL OR all(x IN [p, r, o]
       WHERE (x.valid_from IS NULL OR x.valid_from <= $as_of)
         AND (x.valid_to IS NULL OR x.valid_to >= $as_of)))
RETURN o.id AS source, p.id AS target,
       r {.relation, .scope, .citations_json, .note_json, .valid_from, .valid_to} AS edge
