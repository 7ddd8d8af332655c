// The duties of a party, in the document's order.
// @param id "wipo-director-general"
// @param as_of "2009-01-01"
// On the day $as_of (an ISO date; null: whatever the dates) none unless the party is valid
// that day (a duty follows its holder), and only the duties laid on it that day (a change
// set can add or retire one).
MATCH (d:Responsibility)-[:DUTY_OF]->(p:Party {id: $id})
WHERE $as_of IS NULL OR all(x IN [p, d]
      WHERE (x.valid_from IS NULL OR x.valid_from <= $as_of)
        AND (x.valid_to IS NULL OR x.valid_to >= $as_of))
RETURN d {.code, .holder, .document, .text_json, .note_json, .ordinal, .valid_from,
          .valid_to} AS duty
ORDER BY duty.ordinal
