"""Gradients and Hessian-vector products with nested `tf.GradientTape`s."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import tensorflow as tf

_ZERO = tf.UnconnectedGradients.ZERO


def _tensors(values: Sequence[np.ndarray]) -> list[tf.Tensor]:
    return [tf.convert_to_tensor(v) for v in values]


def _dense(gradient: tf.Tensor | tf.IndexedSlices) -> np.ndarray:
    # Embedding lookups give sparse IndexedSlices gradients.
    return tf.convert_to_tensor(gradient).numpy()


def value_and_grad(fn: Callable, params: Sequence[np.ndarray]) -> tuple[float, list[np.ndarray]]:
    tensors = _tensors(params)
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        value = fn(tensors)
    grads = tape.gradient(value, tensors, unconnected_gradients=_ZERO)
    return float(value), [_dense(g) for g in grads]


def hvp_function(fn: Callable) -> Callable[[Sequence[np.ndarray], Sequence[np.ndarray]], list[np.ndarray]]:
    """A compiled Hessian-vector product of `fn`: traced once, then cheap per call."""

    @tf.function(reduce_retracing=True)
    def product(tensors: list[tf.Tensor], directions: list[tf.Tensor]) -> list[tf.Tensor]:
        with tf.GradientTape() as outer:
            outer.watch(tensors)
            with tf.GradientTape() as inner:
                inner.watch(tensors)
                value = fn(tensors)
            grads = [tf.convert_to_tensor(g) for g in
                     inner.gradient(value, tensors, unconnected_gradients=_ZERO)]
            directional = tf.add_n([tf.reduce_sum(g * d) for g, d in zip(grads, directions)])
        return outer.gradient(directional, tensors, unconnected_gradients=_ZERO)

    def call(params: Sequence[np.ndarray], vector: Sequence[np.ndarray]) -> list[np.ndarray]:
        tensors = _tensors(params)
        directions = [tf.convert_to_tensor(v, dtype=t.dtype) for v, t in zip(vector, tensors)]
        return [_dense(h) for h in product(tensors, directions)]

    return call
