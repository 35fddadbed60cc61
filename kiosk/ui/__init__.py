"""The Kivy shell: draws the core's screens, forwards touches and keys, carries out actions.

Only this package imports Kivy, and only from kiosk.ui.app: importing kiosk.ui itself does not,
so that kiosk.ui.runtime can configure Kivy before it starts.
"""
