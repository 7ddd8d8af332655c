// Merge a batch of duties as (:Responsibility)-[:DUTY_OF]->(holder); count the new ones.
// @param rows [{"holder": "wipo-director-general", "code": "III.A.3(a)", "nth": 0, "props": {"ordinal": 0, "document": "A/46/11", "text_json": "{\"en\": \"Ensures security\"}", "note_json": null}}]
// @param fingerprint "3f1c0d5e"
// A duty is keyed by its holder and code (and, were a holder to have one code twice, by
// which of them it is: nth); its place in the document, ordinal, is a property.
UNWIND $rows AS row
MATCH (p:Party {id: row.holder})
OPTIONAL MATCH (old:Responsibility {holder: row.holder, code: row.code, nth: row.nth})
               -[:DUTY_OF]->(p)
WITH row, p, old IS NOT NULL AS existed
MERGE (d:Responsibility {holder: row.holder, code: row.code, nth: row.nth})
SET d += row.props, d.loaded = $fingerprint
MERGE (d)-[held:DUTY_OF]->(p)
SET held.loaded = $fingerprint
RETURN sum(CASE WHEN existed THEN 0 ELSE 1 END) AS created, count(*) AS total
