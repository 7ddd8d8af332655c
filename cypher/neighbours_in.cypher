// The parties with a $relation edge to a party; never the party itself.
// @param id "wipo-head-sscs"
// @param relation "ACCOUNTABLE_TO"
MATCH (p:Party {id: $id})<-[r {relation: $relation}]-(n:Party)
WHERE n <> p
RETURN DISTINCT n {.id, .kind, .name_json, .aliases_json, .description_json, .facts_json, .apex,
          .apex_reason_json, .valid_from, .valid_to} AS party
ORDER BY party.id
