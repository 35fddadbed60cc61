"""The hub: a shared store served over the local network, so kiosks sync without a USB stick.

`server` is the hub (``kiosk hub``), `client` a kiosk's side of it (``kiosk sync --to http://...``),
`token` the shared secret both ends keep.
"""
