"""Runs the script named by sys.argv[1] as __main__, then saves its `model`'s weights to
sys.argv[2]: the same observation with and without fitdoctor."""
import runpy
import sys

import numpy as np

script, out = sys.argv[1], sys.argv[2]
sys.argv = [script]
namespace = runpy.run_path(script, run_name="__main__")
np.savez(out, *namespace["model"].get_weights(), np.random.standard_normal(3))
