"""Gradients and Hessian-vector products with double backward in `torch.autograd`."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import torch


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
