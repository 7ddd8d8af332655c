// Merge the dataset's own node: name, title and document (JSON), and the load's stamp.
// @param name "wipo-a46-11"
// @param title_json "{\"en\": \"WIPO security accountability framework\"}"
// @param document_json "{\"symbol\": \"A/46/11\", \"title\": {\"en\": \"Accountability\"}, \"sections\": [\"I\"], \"date\": null, \"facts\": []}"
// @param fingerprint "3f1c0d5e"
OPTIONAL MATCH (old:Dataset {name: $name})
WITH count(old) > 0 AS existed
MERGE (d:Dataset {name: $name})
SET d.title_json = $title_json, d.document_json = $document_json, d.loaded = $fingerprint
RETURN existed
