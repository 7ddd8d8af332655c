// Every duty of the dataset, a page at a time, in the document's order.
// @param after 31
// @param limit 1000
// $after is the previous page's last ordinal (null: from the start); a page shorter than
// $limit is the last.
MATCH (d:Responsibility)
WHERE $after IS NULL OR d.ordinal > $after
WITH d
ORDER BY d.ordinal
LIMIT $limit
RETURN d {.code, .holder, .document, .text_json, .note_json, .ordinal, .valid_from,
          .valid_to} AS duty
