// Remove every node and relationship of the graph (load --replace).
MATCH (n)
DETACH DELETE n
RETURN count(n) AS removed
