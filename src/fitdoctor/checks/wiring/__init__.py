"""FD2xx: model and loss wiring."""
