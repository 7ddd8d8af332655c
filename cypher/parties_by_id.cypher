// The parties with these ids (an id that names no party gives no row).
// @param ids ["wipo-director-general", "wipo-head-sscs"]
// @param as_of "2009-01-01"
// On the day $as_of (an ISO date; null: whatever the dates) only parties valid that day.
UNWIND $ids AS id
MATCH (n:Party {id: id})
WHERE $as_of IS NULL OR ((n.valid_from IS NULL OR n.valid_from <= $as_of)
                         AND (n.valid_to IS NULL OR n.valid_to >= $as_of))
RETURN n {.id, .kind, .name_json, .aliases_json, .description_json, .facts_json, .apex,
          .apex_reason_json, .name_in_source, .name_note_json, .valid_from, .valid_to} AS party
