// The parties with these ids (an id that names no party gives no row).
// @param ids ["wipo-director-general", "wipo-head-sscs"]
UNWIND $ids AS id
MATCH (n:Party {id: id})
RETURN n {.id, .kind, .name_json, .aliases_json, .description_json, .facts_json, .apex,
          .apex_reason_json, .valid_from, .valid_to} AS party
