// Every duty of the dataset, in the document's order.
MATCH (d:Responsibility)
RETURN d {.code, .holder, .document, .text_json, .note_json, .ordinal} AS duty
ORDER BY duty.ordinal
