// The parties one $relation edge away from a party, either way; never the party itself.
// @param id "wipo-head-sscs"
// @param relation "ACCOUNTABLE_TO"
// @param as_of "2009-01-01"
// On the day $as_of (an ISO date; null: whatever the dates) only an edge valid that day
// between parties valid that day.
MATCH (p:Party {id: $id})-[r {relation: $relation}]-(n:Party)
WHERE n <> p
  AND ($as_of IS NULL OR all(x IN [p, r, n]
       WHERE (x.valid_from IS NULL OR x.valid_from <= $as_of)
         AND (x.valid_to IS NULL OR x.valid_to >= $as_of)))
RETURN DISTINCT n {.id, .kind, .name_json, .aliases_json, .description_json, .facts_json, .apex,
          .apex_reason_json, .name_in_source, .name_note_json, .valid_from, .valid_to} AS party
ORDER BY party.id
