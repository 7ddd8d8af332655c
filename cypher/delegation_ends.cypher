// Delegation of any scope: simple paths along DELEGATES_TO to a party delegating no further.
// @param id "wipo-director-general"
// @param max_depth 16
// @param max_paths 100
// Simple paths only (no party twice), ordered by length, then the ids, relations and
// scopes along them; at most $max_paths. The depth is a literal 32 (the most a query may
// ask for: Neo4j takes no parameter there) and $max_depth filters on length(p).
MATCH p = (:Party {id: $id})-[:DELEGATES_TO*1..32]->(goal:Party)
WHERE length(p) <= $max_depth AND NOT (goal)-[:DELEGATES_TO]->()
WITH p, [n IN nodes(p) | n.id] AS ids
WHERE all(i IN range(0, size(ids) - 2) WHERE NOT ids[i] IN ids[i + 1..])
WITH ids, [r IN relationships(p) |
           r {.relation, .scope, .citations_json, .note_json, .valid_from, .valid_to}] AS edges
RETURN ids, edges, size(edges) AS hops,
       [e IN edges | e.relation] AS relations, [e IN edges | coalesce(e.scope, '')] AS scopes
ORDER BY hops, ids, relations, scopes
LIMIT $max_paths
