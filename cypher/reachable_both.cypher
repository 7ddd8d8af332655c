// The parties any number of $relation edges away from a party, either way, with distances.
// @param id "wipo-head-sscs"
// @param relation "ACCOUNTABLE_TO"
// @param as_of "2009-01-01"
// The distance is the fewest edges; nearest first, then by id. The pattern has no upper
// bound: "any number of steps" is the protocol's promise (the relation, matched in the
// pattern, keeps the walk to those edges). On the day $as_of (an ISO date; null: whatever
// the dates) only the parties and edges valid that day take part, all along the path.
MATCH path = (p:Party {id: $id})-[*1.. {relation: $relation}]-(n:Party)
WHERE n <> p
  AND all(x IN nodes(path) WHERE $as_of IS NULL
          OR ((x.valid_from IS NULL OR x.valid_from <= $as_of)
              AND (x.valid_to IS NULL OR x.valid_to >= $as_of)))
  AND all(r IN relationships(path) WHERE $as_of IS NULL
          OR ((r.valid_from IS NULL OR r.valid_from <= $as_of)
              AND (r.valid_to IS NULL OR r.valid_to >= $as_of)))
WITH n, min(length(path)) AS distance
RETURN n {.id, .kind, .name_json, .aliases_json, .description_json, .facts_json, .apex,
          .apex_reason_json, .name_in_source, .name_note_json, .valid_from, .valid_to} AS party,
       distance
ORDER BY distance, party.id
