"""The extract stage over whole batches of files, as plain functions (the assets wire them).

scan (`scan`) -> per file, in isolated worker processes: read + identity + facts (`read`, `pool`)
-> tables (`assembly`), in shards that separate steps read (`shards`: plan, read a shard, collect in
`incremental`), reusing what earlier runs made (`cache`, `incremental`), under keys of
everything that shapes a result (`keys`). Each step returns what it made plus `Rejection`s for what
it could not use, so that nothing a user gave disappears without a row saying why.
"""

from pipelines.batch.assembly import Extraction, ExtractionDocuments, ExtractionIndicators, rejections_frame
from pipelines.batch.incremental import extract_reports
from pipelines.batch.keys import stable_key
from pipelines.batch.scan import ReportFile, scan_reports
from pipelines.batch.shards import Progress

__all__ = [
    "Extraction",
    "ExtractionDocuments",
    "ExtractionIndicators",
    "Progress",
    "ReportFile",
    "extract_reports",
    "rejections_frame",
    "scan_reports",
    "stable_key",
]
