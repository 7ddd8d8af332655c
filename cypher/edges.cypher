// The edges leaving and/or arriving at a party, of some relations, with both ends' ids.
// @param id "wipo-director-general"
// @param relations ["ACCOUNTABLE_TO", "REPORTS_TO"]
// @param outgoing true
// @param incoming false
// @param loops_in true
// Edges leave when $outgoing and arrive when $incoming; a self-loop arrives too unless
// $loops_in is false (BOTH lists it once, as leaving).
MATCH (p:Party {id: $id})-[r]->(o:Party)
WHERE $outgoing AND ($relations IS NULL OR r.relation IN $relations)
RETURN p.id AS source, o.id AS target,
       r {.relation, .scope, .citations_json, .note_json, .valid_from, .valid_to} AS edge
UNION ALL
MATCH (p:Party {id: $id})<-[r]-(o:Party)
WHERE $incoming AND ($relations IS NULL OR r.relation IN $relations) AND ($loops_in OR o <> p)
RETURN o.id AS source, p.id AS target,
       r {.relation, .scope, .citations_json, .note_json, .valid_from, .valid_to} AS edge
