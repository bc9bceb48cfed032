"""Gradients and Hessian-vector products with double backward in `torch.autograd`."""

from __future__ import annotations

from typing import Any, Callable, Hashable, Sequence

import numpy as np
import torch

from fitdoctor.probes.backends import eager_repeated


def _leaves(values: Sequence[np.ndarray]) -> list[torch.Tensor]:
    from keras.src.backend.torch.core import get_device

    return [torch.tensor(np.asarray(v), device=get_device()).requires_grad_(True) for v in values]


def _grads(value: torch.Tensor, tensors: list[torch.Tensor], create_graph: bool) -> list[torch.Tensor]:
    grads = torch.autograd.grad(value, tensors, create_graph=create_graph, allow_unused=True)
    return [torch.zeros_like(t) if g is None else g for g, t in zip(grads, tensors)]



def value_and_grad(fn: Callable, params: Sequence[np.ndarray]) -> tuple[float, list[np.ndarray]]:
    tensors = _leaves(params)
    value = fn(tensors)
    grads = _grads(value, tensors, create_graph=False)
    return float(value.detach().cpu()), [g.detach().cpu().numpy() for g in grads]


def gradient_pass(fn: Callable, params: Sequence[np.ndarray]) -> None:
    """A forward and backward pass of `fn`, waited for and nothing brought to the host: what a
    pass costs, for timing."""
    tensors = _leaves(params)
    grads = _grads(fn(tensors), tensors, create_graph=False)
    if grads and grads[0].is_cuda:
        torch.cuda.synchronize(grads[0].device)


def hvp_function(fn: Callable) -> Callable[[Sequence[np.ndarray], Sequence[np.ndarray]], list[np.ndarray]]:
    """Hessian-vector products of `fn` by double backward (eager; nothing to compile)."""

    def call(params: Sequence[np.ndarray], vector: Sequence[np.ndarray]) -> list[np.ndarray]:
        tensors = _leaves(params)
        grads = _grads(fn(tensors), tensors, create_graph=True)
        directional = sum((g * torch.as_tensor(np.asarray(v), dtype=g.dtype, device=g.device)).sum()
                          for g, v in zip(grads, vector))
        if not directional.requires_grad:
            return [np.zeros_like(np.asarray(v)) for v in params]
        return [h.detach().cpu().numpy() for h in _grads(directional, tensors, create_graph=False)]

    return call


# A gradient taken again and again on the same shapes (the training monitor): eager.
repeated_value_and_grad = eager_repeated(value_and_grad)


def train_step(fn: Callable, optimizer: Any, variables: list,
               key: Hashable | None = None) -> tuple[Callable, Callable]:
    """An eager optimizer step of `fn(params, batch)` on `variables` (copies owned by the
    caller): `(step(batch) -> (loss, gradient norm), params() -> NumPy values)`. `key` (see
    the JAX adapter) is not needed: tracing here costs far less than compiling there."""

    def step(batch: Any) -> tuple[float, float]:
        tensors = [v.value.detach().requires_grad_(True) for v in variables]
        value = fn(tensors, batch)
        grads = _grads(value, tensors, create_graph=False)
        with torch.no_grad():
            norm = torch.sqrt(sum(torch.sum(torch.square(g.detach())) for g in grads))
            optimizer.apply([g.detach() for g in grads], variables)
        return float(value.detach().cpu()), float(norm.cpu())

    return step, (lambda: [v.value.detach().cpu().numpy() for v in variables])


def rng_state() -> object:
    """torch's global generators (an unseeded Dropout draws from them even when stateless)."""
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() and torch.cuda.is_initialized() else None
    return torch.random.get_rng_state(), cuda


def set_rng_state(state: object) -> None:
    cpu, cuda = state
    torch.random.set_rng_state(cpu)
    if cuda is not None:
        torch.cuda.set_rng_state_all(cuda)
