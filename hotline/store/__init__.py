"""SQLite access: schema and migrations, the op log, the HLC, ids and queries.

Never imports Textual or Rich (a test checks it): the store has no idea how text is shown.
"""

from hotline.store.core import ApplyResult, Store
from hotline.store.oplog import Op

__all__ = ["ApplyResult", "Op", "Store"]
