"""Never trains."""
print("nothing to train here")
