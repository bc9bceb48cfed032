"""Written for Keras 2: imports from keras.engine, which Keras 3 removed."""
from keras.engine import Layer  # noqa: F401
