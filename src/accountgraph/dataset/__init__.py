"""Reading datasets into a validated :class:`~accountgraph.model.Dataset`, and writing them.

A dataset is a YAML file, or a directory of CSV or JSON Lines files (:mod:`.bulk_format`).
Valid input takes the fast path; only input the fast path doubts is read again by the
careful path, which finds every problem with its line:

- :mod:`.load`: the entry points below, and which path a file takes;
- :mod:`.file_guard`: a dataset file's bytes, read within bounds;
- :mod:`.yaml_fast` (libyaml's events) and :mod:`.bulk` hand items to :mod:`.build`,
  which checks every rule as it goes and makes the model;
- :mod:`.yaml_compose` and :mod:`.yaml_lines`: the careful YAML reader, which knows the
  line of every value; :mod:`.checks`: everything that can be wrong, located;
- :mod:`.write`: a dataset written as a dataset file or a bulk directory.
"""

from accountgraph.dataset.file_guard import MAX_DATASET_BYTES
from accountgraph.dataset.load import check_file, load_dataset, parse_dataset, validate_file

__all__ = ["MAX_DATASET_BYTES", "check_file", "load_dataset", "parse_dataset", "validate_file"]
