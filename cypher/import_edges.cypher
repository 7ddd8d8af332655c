// Merge a batch of edges keyed by (source, relation, target, scope); count the new ones.
// @param rows [{"source": "wipo-head-sscs", "target": "wipo-director-general", "relation": "ACCOUNTABLE_TO", "scope_key": "", "props": {"relation": "ACCOUNTABLE_TO", "scope": null, "citations_json": "[]", "note_json": null, "valid_from": null, "valid_to": null, "ordinal": 0}}]
// @param fingerprint "3f1c0d5e"
// A relationship's type cannot be a parameter, so each relation of the model has its own
// FOREACH below, chosen by row.relation; the type is also kept as the property `relation`,
// which traversals over one relation of any type match on.
UNWIND $rows AS row
MATCH (a:Party {id: row.source})
MATCH (b:Party {id: row.target})
OPTIONAL MATCH (a)-[old {relation: row.relation, scope_key: row.scope_key}]->(b)
WITH row, a, b, old IS NOT NULL AS existed
FOREACH (_ IN CASE WHEN row.relation = 'ACCOUNTABLE_TO' THEN [1] ELSE [] END |
  MERGE (a)-[e:ACCOUNTABLE_TO {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'REPORTS_TO' THEN [1] ELSE [] END |
  MERGE (a)-[e:REPORTS_TO {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'MEMBER_OF' THEN [1] ELSE [] END |
  MERGE (a)-[e:MEMBER_OF {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'CHAIRS' THEN [1] ELSE [] END |
  MERGE (a)-[e:CHAIRS {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'ADVISES' THEN [1] ELSE [] END |
  MERGE (a)-[e:ADVISES {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'APPOINTS' THEN [1] ELSE [] END |
  MERGE (a)-[e:APPOINTS {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'DESIGNATES' THEN [1] ELSE [] END |
  MERGE (a)-[e:DESIGNATES {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'DELEGATES_TO' THEN [1] ELSE [] END |
  MERGE (a)-[e:DELEGATES_TO {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'SERVES_AS' THEN [1] ELSE [] END |
  MERGE (a)-[e:SERVES_AS {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'LIAISES_WITH' THEN [1] ELSE [] END |
  MERGE (a)-[e:LIAISES_WITH {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'TECHNICAL_LINK' THEN [1] ELSE [] END |
  MERGE (a)-[e:TECHNICAL_LINK {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'SUPPORTS' THEN [1] ELSE [] END |
  MERGE (a)-[e:SUPPORTS {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'MANAGES' THEN [1] ELSE [] END |
  MERGE (a)-[e:MANAGES {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'ESTABLISHES' THEN [1] ELSE [] END |
  MERGE (a)-[e:ESTABLISHES {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'CONVENES' THEN [1] ELSE [] END |
  MERGE (a)-[e:CONVENES {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'RECOMMENDS_TO' THEN [1] ELSE [] END |
  MERGE (a)-[e:RECOMMENDS_TO {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'PARTICIPATES_IN' THEN [1] ELSE [] END |
  MERGE (a)-[e:PARTICIPATES_IN {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'COORDINATES' THEN [1] ELSE [] END |
  MERGE (a)-[e:COORDINATES {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'RESPONSIBLE_FOR_SECURITY_OF' THEN [1] ELSE [] END |
  MERGE (a)-[e:RESPONSIBLE_FOR_SECURITY_OF {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
FOREACH (_ IN CASE WHEN row.relation = 'PART_OF' THEN [1] ELSE [] END |
  MERGE (a)-[e:PART_OF {scope_key: row.scope_key}]->(b)
  SET e += row.props, e.loaded = $fingerprint)
RETURN sum(CASE WHEN existed THEN 0 ELSE 1 END) AS created, count(*) AS total
