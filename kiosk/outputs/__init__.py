"""What leaves the store for people: exports (CSV, XLSX, JSON Lines) and the summary report.

`rows` reads the store; `export` and `report` both build on it and not on each other.
"""
