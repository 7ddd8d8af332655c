// The duties of a party, in the document's order.
// @param id "wipo-director-general"
MATCH (d:Responsibility)-[:DUTY_OF]->(:Party {id: $id})
RETURN d {.code, .holder, .document, .text_json, .note_json, .ordinal} AS duty
ORDER BY duty.ordinal
