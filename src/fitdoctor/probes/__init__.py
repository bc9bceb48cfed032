"""Measurements on the user's model that change nothing: stateless loss, gradients,
Hessian-vector products, curvature and layer activations."""
