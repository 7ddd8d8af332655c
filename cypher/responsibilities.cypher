// The duties of a party, in the document's order.
// @param id "wipo-director-general"
// @param as_of "2009-01-01"
// On the day $as_of (an ISO date; null: whatever the dates) none unless the party is valid
// that day: a duty follows its holder.
MATCH (d:Responsibility)-[:DUTY_OF]->(p:Party {id: $id})
WHERE $as_of IS NULL OR ((p.valid_from IS NULL OR p.valid_from <= $as_of)
                         AND (p.valid_to IS NULL OR p.valid_to >= $as_of))
RETURN d {.code, .holder, .document, .text_json, .note_json, .ordinal} AS duty
ORDER BY duty.ordinal
