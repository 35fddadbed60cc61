"""What leaves the store for people: exports (CSV, XLSX, JSON Lines) and the summary report.

`rows` reads the store; `export` and the report (`summary`, `themes`, `page`, `audio`, put
together by `report`) both build on it and not on each other.
"""
