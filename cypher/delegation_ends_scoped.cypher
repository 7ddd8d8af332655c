// Delegation of one scope: simple paths along DELEGATES_TO edges of that scope to their ends.
// @param id "wipo-director-general"
// @param scope "security"
// @param max_depth 16
// @param max_paths 100
// @param as_of "2009-01-01"
// Simple paths only (no party twice), ordered by length, then the ids, relations and
// scopes along them; at most $max_paths. The depth is a literal 32 (the most a query may
// ask for: Neo4j takes no parameter there) and $max_depth filters on length(p).
// On the day $as_of (an ISO date; null: whatever the dates) only the parties and edges
// valid that day take part: every node and relationship of the path, and the edges that
// would lead on from its end (listed in WITH: FalkorDB filters no pattern in WHERE).
// Each row holds the parties along its path too (the properties parties_by_id reads), so
// that their names need no second round trip. Edges and parties are lists of properties in
// a fixed order (see store/cypher.py), lighter to send and to parse than maps.
MATCH p = (:Party {id: $id})-[:DELEGATES_TO*1..32 {scope: $scope}]->(goal:Party)
WHERE length(p) <= $max_depth
  AND all(x IN nodes(p) WHERE $as_of IS NULL
          OR ((x.valid_from IS NULL OR x.valid_from <= $as_of)
              AND (x.valid_to IS NULL OR x.valid_to >= $as_of)))
  AND all(r IN relationships(p) WHERE $as_of IS NULL
          OR ((r.valid_from IS NULL OR r.valid_from <= $as_of)
              AND (r.valid_to IS NULL OR r.valid_to >= $as_of)))
WITH p, [(goal)-[onward:DELEGATES_TO {scope: $scope}]->(next:Party)
         WHERE $as_of IS NULL OR all(x IN [onward, next]
               WHERE (x.valid_from IS NULL OR x.valid_from <= $as_of)
                 AND (x.valid_to IS NULL OR x.valid_to >= $as_of)) | next.id] AS onwards
WHERE size(onwards) = 0
WITH p, [n IN nodes(p) | n.id] AS ids
WHERE all(i IN range(0, size(ids) - 2) WHERE NOT ids[i] IN ids[i + 1..])
WITH ids, [r IN relationships(p) |
           [r.relation, r.scope, r.citations_json, r.note_json, r.valid_from, r.valid_to]]
          AS edges,
     [n IN nodes(p) | [n.id, n.kind, n.name_json, n.aliases_json, n.description_json,
                       n.facts_json, n.apex, n.apex_reason_json, n.name_in_source,
                       n.name_note_json, n.valid_from, n.valid_to]] AS parties
RETURN ids, edges, parties, size(edges) AS hops,
       [e IN edges | e[0]] AS relations, [e IN edges | coalesce(e[1], '')] AS scopes
ORDER BY hops, ids, relations, scopes
LIMIT $max_paths
