"""FD1xx: data and input pipeline."""
