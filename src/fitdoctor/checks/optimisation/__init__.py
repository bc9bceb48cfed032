"""FD3xx: optimisation."""
