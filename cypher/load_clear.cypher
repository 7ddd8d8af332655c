// Remove up to $limit nodes of the graph, and their relationships (load --replace).
// @param limit 1000
// The load runs it until it removes fewer than $limit, so that no statement outlasts the
// store's timeout however large the graph. The load marker is the load's first statement,
// written before this one: it stays, unfinished, so a load interrupted after clearing the
// graph is not taken for a whole one.
MATCH (n)
WHERE NOT n:LoadMarker
WITH n
LIMIT $limit
DETACH DELETE n
RETURN count(n) AS removed
