"""Staff set-up kept on the kiosk: the staff PIN and settings, and the packs staff may choose.

No Kivy here: the staff screens in kiosk.ui.staff and the command line both use it.
"""
