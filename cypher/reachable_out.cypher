// The parties any number of $relation edges beyond a party, with distances.
// @param id "wipo-head-sscs"
// @param relation "ACCOUNTABLE_TO"
// The distance is the fewest edges; nearest first, then by id. The pattern has no upper
// bound: "any number of steps" is the protocol's promise (the relation, matched in the
// pattern, keeps the walk to those edges).
MATCH path = (p:Party {id: $id})-[*1.. {relation: $relation}]->(n:Party)
WHERE n <> p
WITH n, min(length(path)) AS distance
RETURN n {.id, .kind, .name_json, .aliases_json, .description_json, .facts_json, .apex,
          .apex_reason_json, .valid_from, .valid_to} AS party,
       distance
ORDER BY distance, party.id
