// Remove every node and relationship of the graph (load --replace) but the load marker.
// The marker is the load's first statement, written before this one: it stays, unfinished,
// so a load interrupted after clearing the graph is not taken for a whole one.
MATCH (n)
WHERE NOT n:LoadMarker
DETACH DELETE n
RETURN count(n) AS removed
