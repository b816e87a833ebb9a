"""The warehouse's analysis views, one asset downstream of the tables they read, so the UI shows
where they come from. Declared in pipelines.views; ingestion creates them (pipelines.warehouse)
and publishes the copy this step reads: it only reports each view's rows."""
import contextlib

import dagster as dg
import duckdb
import pandas as pd

from assets.partitions import budget_year_partitions
from assets.resources import WarehouseResource
from assets.tables import markdown
from pipelines.views import PUBLIC_MACROS, PUBLIC_VIEWS
from pipelines.warehouse import published_path

VIEW_NAMES = {view.name for view in PUBLIC_VIEWS}
SOURCE_TABLES = sorted({table for view in PUBLIC_VIEWS for table in view.depends_on} - VIEW_NAMES)

DESCRIPTION = ("The analysis views and macros analysts query (docs/warehouse.md): "
               + ", ".join(v.name for v in PUBLIC_VIEWS) + "; " + ", ".join(m.signature for m in PUBLIC_MACROS)
               + ". Amounts in 元, exact; each document counted once.")


@dg.asset(
    name="views",
    description=DESCRIPTION,
    group_name="warehouse",
    kinds={"duckdb"},
    deps=SOURCE_TABLES,
    partitions_def=budget_year_partitions,
)
def warehouse_views(warehouse: WarehouseResource) -> dg.MaterializeResult:
    path = published_path(warehouse.settings().database)
    with contextlib.closing(duckdb.connect(str(path), read_only=True)) as con:
        counts = {view.name: con.execute(f"SELECT count(*) FROM {view.name}").fetchall()[0][0]
                  for view in PUBLIC_VIEWS}
    overview = pd.DataFrame([{"view": view.name, "rows": counts[view.name], "what": view.comment.split(". ")[0]}
                             for view in PUBLIC_VIEWS])
    return dg.MaterializeResult(metadata={"database": str(path), "views": dg.MetadataValue.md(markdown(overview)),
                                          **{f"rows_{name}": count for name, count in counts.items()}})
