"""Paper out: the receipt printer that gives a participant their withdrawal code on a slip.

An adapter beside the core, as speech and the store are: the core decides what is printed
(`kiosk.core.screens.PrintCode`), this package turns it into the printer's bytes and writes
them to its character device.
"""
