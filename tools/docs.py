"""`python -m tools.docs`: rewrite what is generated from the schema declaration (pipelines/schema.py):
sql/schema.sql and the data-dictionary section of the README. A test fails while they are stale."""

from pathlib import Path

from pipelines import schema

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    (ROOT / "sql" / "schema.sql").write_text(schema.schema_sql(), encoding="utf-8")
    readme = ROOT / "README.md"
    readme.write_text(schema.with_dictionary(readme.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
