"""One module per `kiosk` command (or command group); kiosk.cli puts them together."""
