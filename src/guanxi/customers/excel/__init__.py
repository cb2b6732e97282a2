"""Excel import and export of customer units (CUS-11, DOC-4, DOC-5).

Import is two steps: `import_upload` checks a workbook and keeps its bytes; `apply_import`
checks the same bytes again and writes the good rows through the customer services, in one
transaction. Rows are matched by credit code, then by exact name, so a second run of the same
file finds every row unchanged. Export is a permission of its own, registers a read of every
exported record before any byte leaves, carries a watermark and neutralises formulas.
"""

from __future__ import annotations

from guanxi.customers.excel.columns import (
    BY_FIELD,
    CHUNK,
    COLUMNS,
    DATA_FIELDS,
    DEFAULT_MAX_BYTES,
    EXPORT_LIMIT,
    FORMULA_STARTS,
    HEADER_INDEX,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    WATERMARK_PREFIX,
    XLSX_TYPE,
    CellProblem,
    Column,
    Lookups,
    Parser,
)
from guanxi.customers.excel.export import export_count, export_workbook, neutralise, watermark
from guanxi.customers.excel.importing import (
    ACTIONS,
    BULK,
    HIDDEN,
    ImportReport,
    Layout,
    Problem,
    RowResult,
    Sheet,
    apply_import,
    check_upload,
    import_get,
    import_upload,
    max_bytes,
    read_sheet,
)
from guanxi.customers.excel.template import template_workbook

__all__ = [
    "ACTIONS",
    "BULK",
    "BY_FIELD",
    "CHUNK",
    "COLUMNS",
    "DATA_FIELDS",
    "DEFAULT_MAX_BYTES",
    "EXPORT_LIMIT",
    "FORMULA_STARTS",
    "HEADER_INDEX",
    "HIDDEN",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "WATERMARK_PREFIX",
    "XLSX_TYPE",
    "CellProblem",
    "Column",
    "ImportReport",
    "Layout",
    "Lookups",
    "Parser",
    "Problem",
    "RowResult",
    "Sheet",
    "apply_import",
    "check_upload",
    "export_count",
    "export_workbook",
    "import_get",
    "import_upload",
    "max_bytes",
    "neutralise",
    "read_sheet",
    "template_workbook",
    "watermark",
]
