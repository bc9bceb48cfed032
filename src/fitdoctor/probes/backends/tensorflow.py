"""Gradients and Hessian-vector products with nested `tf.GradientTape`s."""

from __future__ import annotations

from typing import Any, Callable, Hashable, Sequence

import numpy as np
import tensorflow as tf

from fitdoctor.probes.backends import converted_once, eager_repeated

_ZERO = tf.UnconnectedGradients.ZERO
_tensor = converted_once(tf.convert_to_tensor)


def _tensors(values: Sequence[np.ndarray]) -> list[tf.Tensor]:
    return [_tensor(v) for v in values]


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


def gradient_pass(fn: Callable, params: Sequence[np.ndarray]) -> None:
    """A forward and backward pass of `fn`, waited for and nothing brought to the host: what a
    pass costs, for timing (a 38M-parameter gradient's host copy alone takes ~0.1 s)."""
    tensors = _tensors(params)
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        value = fn(tensors)
    grads = tape.gradient(value, tensors, unconnected_gradients=_ZERO)
    # One value of each gradient, read after the others on the same stream: all are done.
    tf.concat([tf.reshape(tf.convert_to_tensor(g), [-1])[:1] for g in grads] + [tf.reshape(value, [1])], 0).numpy()


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


# A gradient taken again and again on the same shapes (the training monitor): eager, as
# a run makes a few such measurements and tracing costs more than they would save.
repeated_value_and_grad = eager_repeated(value_and_grad)


# Traced steps by the caller's key, with the variables and optimizer each was traced on:
# tracing a step costs 0.6-2 s for a small LSTM, more than its 40 steps, and the short runs
# of one model (the user's, at other rates, on other orders or targets of the same shapes)
# can share one. A later run with the key copies its starting weights and its fresh
# optimizer's state (iteration, learning rate, slots) into them.
_TRACED_STEPS: dict[Hashable, tuple[Callable, list, Any]] = {}


def train_step(fn: Callable, optimizer: Any, variables: list,
               key: Hashable | None = None) -> tuple[Callable, Callable]:
    """A compiled optimizer step of `fn(params, batch)` on `variables` (copies owned by the
    caller, which `optimizer` was built on): `(step(batch) -> (loss, gradient norm),
    params() -> NumPy values)`. Steps made with the same `key` (same model, optimizer
    configuration up to its learning rate, and batch shapes) reuse one traced function."""
    cached = _TRACED_STEPS.get(key) if key is not None else None
    if cached is None:
        step = _traced_step(fn, optimizer, variables)
        if key is not None:
            _TRACED_STEPS.clear()  # one model at a time: keep memory bounded
            _TRACED_STEPS[key] = (step, variables, optimizer)
    else:
        step, traced_variables, traced_optimizer = cached
        for traced, fresh in zip(traced_variables + traced_optimizer.variables,
                                 variables + optimizer.variables):
            traced.assign(fresh.value)
        variables = traced_variables

    def run(batch: Any) -> tuple[float, float]:
        value, norm = step(batch)
        return float(value), float(norm)

    return run, (lambda: [v.numpy() for v in variables])


def _traced_step(fn: Callable, optimizer: Any, variables: list) -> Callable:
    @tf.function(reduce_retracing=True)
    def step(batch: Any) -> tuple[tf.Tensor, tf.Tensor]:
        params = [v.value for v in variables]
        with tf.GradientTape() as tape:
            tape.watch(params)
            value = fn(params, batch)
        grads = [tf.convert_to_tensor(g) for g in
                 tape.gradient(value, params, unconnected_gradients=_ZERO)]
        optimizer.apply(grads, variables)
        return value, tf.linalg.global_norm(grads)

    return step


def rng_state() -> object:
    """TensorFlow's op-seed sequence (unseeded ops after `tf.random.set_seed`) and its global
    `tf.random.Generator`, when the script created one. (An unseeded eager op that already
    drew keeps its kernel's own state; probes run no unseeded TensorFlow op.)"""
    from tensorflow.python.eager import context
    from tensorflow.python.ops import stateful_random_ops

    sequence = getattr(context.context(), "_rng", None)
    generator = stateful_random_ops.global_generator
    return (sequence.getstate() if sequence is not None else None,
            generator, None if generator is None else generator.state.numpy())


def set_rng_state(state: object) -> None:
    from tensorflow.python.eager import context

    sequence_state, generator, generator_state = state
    sequence = getattr(context.context(), "_rng", None)
    if sequence is not None and sequence_state is not None:
        sequence.setstate(sequence_state)
    if generator is not None:
        generator.state.assign(generator_state)
