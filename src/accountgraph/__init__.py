"""accountgraph: a security accountability framework as a graph of cited relations."""

from accountgraph.errors import (
    AccountGraphError,
    DatasetError,
    QueryLimitError,
    StoreUnavailableError,
    UnknownPartyError,
)

__version__ = "0.1.0"

__all__ = [
    "AccountGraphError",
    "DatasetError",
    "QueryLimitError",
    "StoreUnavailableError",
    "UnknownPartyError",
    "__version__",
]
