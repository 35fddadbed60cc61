"""Tools for developers and staff rehearsals: the store simulator, scripted rehearsals, benchmarks.

Nothing in the kiosk itself imports this package.
"""
