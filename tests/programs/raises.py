"""Raises before ever calling fit()."""
raise ValueError("the script's own bug")
