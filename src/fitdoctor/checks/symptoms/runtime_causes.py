"""Causes that develop during training, judged by the monitor on its measurements.

FD206 (dead units), FD303 (vanishing gradients) and FD304 (exploding gradients) are judged
with the pre-flight checks' own code and thresholds (checks/wiring/dead_units.py,
checks/optimisation/{vanishing,exploding}_gradients.py) on the monitor's probe batch at the
current weights, and reported under the same code with `detected_at="epoch N"` / `"step N"`.
A code that pre-flight already reported for the run is never reported again. Two are
measured on demand, when a symptom appears that no reported cause explains: FD301 (the
curvature against the rate in force, `curvature_now`) and FD304 (the steps before the
symptom replayed on a copy, judged like the pre-flight short run, `cliff_replayed`).

Where the thresholds come from:
- FD206: a layer with at least 50% of its units dead on every probe sample, or 90% of its
  (sample, unit) derivatives zero. AUTOTRAINER's dying-ReLU rule fires at 70% zero ReLU
  gradient entries; a healthy ReLU layer has about 50% and drifts with training, so we ask
  for 90% of entries, or whole units dead (SageMaker's DeadRelu rule counts units inactive
  on the batch, at 50% of units by default, which is our unit threshold too).
- FD303: first/last RMS kernel gradient per parameter <= 1e-4 across >= 4 weighted layers.
  AUTOTRAINER: ratio <= 1e-3 and norm <= 1e-4; SageMaker VanishingGradient: mean absolute
  gradient < 1e-7, which at the end of a healthy run (loss near 0) is normal, so ours is a
  ratio. As AUTOTRAINER does (its gradient symptoms only count while accuracy stays low),
  gradient ratios are judged only while the probe loss is above half its starting value:
  near a minimum gradients are small and noisy everywhere, and a ratio means nothing. The
  same holds for FD206: units that die while the loss keeps falling (a wide layer pruned by
  training) cost capacity the model evidently does not need.
- FD304: the ratio >= 1e3 across >= 3 weighted layers (AUTOTRAINER: 70, which healthy
  CNNs with a wide first layer exceed), or a non-finite gradient with finite weights and a
  finite loss on the probe (AUTOTRAINER: any NaN gradient), or a gradient cliff across the
  monitor's measurements: the probe gradient's norm CERTAIN_FACTOR (30) times the median of
  at least CLIFF_BASELINE earlier measurements while the probe loss grew by at most the
  square root of that and has not fallen below half of its median (checks/optimisation/
  gradient_cliff.py, the pre-flight short run's judgement; an optimizer that clips is exempt;
  a healthy ReLU RNN measured by a helper grew its gradient 0.68 -> 24 while its loss fell
  1.04 -> 0.014, which the second condition keeps silent). Judged also after the loss has fallen: a
  cliff late in training is exactly what develops.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fitdoctor.checks.model_graph import activation_name
from fitdoctor.checks.optimisation import exploding_gradients as exploding
from fitdoctor.checks.optimisation import gradient_cliff as cliff
from fitdoctor.checks.optimisation import vanishing_gradients as vanishing
from fitdoctor.checks.wiring import dead_units
from fitdoctor.findings import Finding, Fix, Severity
from fitdoctor.probes.activations import first_calls
from fitdoctor.probes.gradients import kernel_chain, layer_table

# Gradient ratios are judged only while the probe loss is above this share of where it started.
STILL_LEARNING = 0.5
# Measurements that set the typical gradient before a cliff can be judged (fewer than the
# short run's steps: measurements are rarer, and each is on the same probe batch).
CLIFF_BASELINE = 3
# At a runtime cliff the probe loss is still at least this share of its typical level.
LOSS_STILL_ORDINARY = 0.5


def learned(measurement: Any, reference_loss: float | None) -> bool:
    """Whether the probe loss has fallen below STILL_LEARNING of where it started: then a
    gradient ratio or a share of dead units no longer explains a failure to train."""
    loss = measurement.loss
    return (reference_loss is not None and np.isfinite(reference_loss) and loss is not None
            and loss < STILL_LEARNING * reference_loss)


def dead_units_now(measurement: Any, reference_loss: float | None) -> Finding | None:
    if learned(measurement, reference_loss):
        return None
    for record in first_calls(measurement.records):
        layer = record.layer
        name = activation_name(layer)
        if name is None or not record.output_leaves:
            continue
        counted = dead_units._dead_units(name, record.output_leaves[0])
        if counted is None:
            continue
        dead, total, blocked = counted
        fraction = dead / total
        if fraction < dead_units.DEAD_UNIT_SHARE and blocked < dead_units.BLOCKED_SHARE:
            continue
        samples = measurement.samples
        return Finding(
            "FD206", Severity.ERROR if dead == total else Severity.WARNING,
            f"During training, {dead} of {total} {name} units of layer '{layer.name}' died "
            f"({blocked:.0%} of their derivatives are zero on {samples} samples)",
            f"At {measurement.at} the {name} derivative is zero for {blocked:.0%} of the (sample, unit) "
            f"pairs on the probe batch, and {dead} of {total} units are dead on every sample; they "
            f"were alive when training started (pre-flight did not report them). A step too large "
            f"pushed their pre-activations below zero for every input, and with zero gradient they "
            f"cannot come back.",
            {"dead_units": dead, "units": total, "dead_fraction": fraction,
             "zero_derivative_share": blocked, "activation": name, "samples": samples,
             "step": measurement.step},
            {"layer": layer.name},
            dead_units._fix(name, layer),
            detected_at=measurement.at,
        )
    return None


def _finite(groups: list) -> bool:
    return all(w.finite for g in groups for w in g.weights)


def gradient_causes(measurement: Any, reference_loss: float | None) -> list[Finding]:
    groups = measurement.groups
    if not groups:
        return []
    weights_finite = all(np.isfinite(w.weight).all() for g in groups for w in g.weights)
    loss = measurement.loss
    if not weights_finite or loss is None or not np.isfinite(loss):
        return []  # broken weights or loss: FD401's story
    samples = measurement.samples
    if not _finite(groups):
        bad = [w.path for g in groups for w in g.weights if not w.finite]
        return [Finding(
            "FD304", Severity.ERROR,
            f"During training the loss gradient became non-finite ({len(bad)} weights)",
            f"At {measurement.at}, with finite weights and a finite probe loss {loss:.4g} on {samples} "
            f"samples, the gradient of {', '.join(bad[:8])} contains Inf or NaN; the next optimizer "
            f"step writes NaN into the weights.",
            {"nonfinite_variables": bad, "loss": loss, "samples": samples, "step": measurement.step},
            {}, exploding._fix(), detected_at=measurement.at)]
    if learned(measurement, reference_loss):
        return []
    chain = kernel_chain(groups)
    findings = []
    if len(chain) >= 2:
        first, last = chain[0], chain[-1]
        ratio = float(first.kernel_grad_rms / last.kernel_grad_rms)
        common = {"ratio": ratio, "first_layer": first.name, "last_layer": last.name,
                  "weighted_layers": len(chain), "layers": layer_table(chain), "samples": samples,
                  "loss": loss, "step": measurement.step}
        detail = (f"At {measurement.at} the RMS loss gradient per parameter is {first.kernel_grad_rms:.3g} "
                  f"in '{first.name}' and {last.kernel_grad_rms:.3g} in '{last.name}', a ratio of "
                  f"{ratio:.3g} across {len(chain)} weighted layers (measured on {samples} samples, "
                  f"probe loss {loss:.4g}).")
        if len(chain) >= vanishing.MIN_WEIGHTED_LAYERS and ratio <= vanishing.WARNING_RATIO:
            findings.append(Finding(
                "FD303", Severity.ERROR if ratio <= vanishing.ERROR_RATIO else Severity.WARNING,
                f"During training, gradients came to shrink {1 / ratio:.3g}-fold from the output "
                f"layer '{last.name}' to the first layer '{first.name}'",
                detail + " Pre-flight saw no such gap: it developed as units saturated. The layers "
                "near the input stop learning.",
                common, {"layer": first.name},
                Fix("Use non-saturating activations with a matching initialisation, normalisation "
                    "layers or residual connections; a lower rate keeps units out of saturation",
                    "keras.layers.Dense(units, activation='relu', kernel_initializer='he_normal')",
                    "changes-intent"),
                detected_at=measurement.at))
        if len(chain) >= exploding.MIN_WEIGHTED_LAYERS and ratio >= exploding.WARNING_RATIO:
            findings.append(Finding(
                "FD304", Severity.ERROR if ratio >= exploding.ERROR_RATIO else Severity.WARNING,
                f"During training, gradients came to grow {ratio:.3g}-fold from the output layer "
                f"'{last.name}' to the first layer '{first.name}'",
                detail + " Pre-flight saw no such growth: the weights grew into it. A step size that "
                "suits the output layer throws the input-side layers far away.",
                common, {"layer": first.name}, exploding._fix(), detected_at=measurement.at))
    return findings


def gradient_cliff_now(history: Any, optimizer: Any, at: str) -> Finding | None:
    """FD304 when the latest measurement's gradient is a cliff against the earlier ones."""
    series = history.gradients
    if len(series) <= CLIFF_BASELINE or cliff.clips(optimizer):
        return None
    norms, losses = [n for n, _ in series], [loss for _, loss in series]
    found = cliff.first_cliff(norms, losses, baseline=len(series) - 1)  # the latest alone
    if found is None or not math.isfinite(found.norm) or found.factor < cliff.CERTAIN_FACTOR:
        return None
    if found.loss < LOSS_STILL_ORDINARY * found.typical_loss:
        # Measurements are far apart: a gradient that grew while the loss fell many-fold is
        # training reaching a sharper region (a recurrent net learning long dependencies),
        # not a cliff.
        return None
    return Finding(
        "FD304", Severity.ERROR,
        f"During training the gradient jumped to {found.norm:.4g}, {found.factor:.0f}x its "
        f"typical size, while the loss stayed ordinary",
        f"At {at} the norm of the loss gradient on the probe batch was {found.norm:.4g}; over the "
        f"{found.step} measurements before it, it was typically {found.typical_norm:.3g}, and the "
        f"probe loss was {found.loss:.4g} (typically {found.typical_loss:.4g}). A gradient that grows "
        f"by {found.factor:.0f}x while the loss does not is a cliff in the loss surface, the "
        f"signature of exploding gradients (recurrent layers with unbounded activations, deep "
        f"products of large Jacobians): the next update of that size throws the weights away.",
        {"gradient_norm": found.norm, "typical_gradient_norm": found.typical_norm,
         "spike_factor": round(found.factor, 2), "loss": found.loss, "typical_loss": found.typical_loss,
         "measurements": len(series)},
        {}, exploding._fix(), detected_at=at)


def curvature_now(model: Any, batch: Any, at: str, seconds: float,
                  last_finite: Any = None) -> Finding | None:
    """FD301 when a divergence appears: the largest curvature of the loss on the probe batch
    against the optimizer's current rate (plain SGD, with or without momentum), on the current
    weights or, once they overflowed, on `last_finite` (probes/training.py Snapshot), the last
    finite ones the monitor saw."""
    from fitdoctor.checks.optimisation.stability import curvature_bound, largest_stable_rate
    from fitdoctor.probes.training import current_curvature
    from fitdoctor.program import OptimizerSpec

    optimizer = model.optimizer
    spec = OptimizerSpec.of(optimizer)
    if not spec.is_plain_sgd:
        return None
    import keras

    rate = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
    where, weights = (last_finite.at, last_finite.weights) if last_finite is not None else (at, None)
    spectrum, loss = current_curvature(model, batch, seconds, weights)
    if not np.isfinite(spectrum.largest):
        return None
    bound = curvature_bound(rate, spec.momentum, spec.nesterov)
    if spectrum.largest <= bound:
        return None
    stable = largest_stable_rate(spectrum.largest, spec.momentum, spec.nesterov)
    suggested = float(f"{stable / 2:.2g}")
    measured_on = ("the current weights" if weights is None else
                   f"the last finite weights, at {where} (the loss had overflowed by {at})")
    return Finding(
        "FD301", Severity.ERROR,
        f"At {at} the learning rate {rate:.3g} is above the stable limit {stable:.3g} for the loss "
        f"curvature {spectrum.largest:.4g} there",
        f"The loss diverged, so fitdoctor measured the curvature on {measured_on}: its largest "
        f"value is {spectrum.largest:.4g} (probe loss {loss:.4g}), and SGD at rate {rate:.3g} is stable "
        f"only while curvature < {bound:.4g}. Pre-flight found the starting point stable: the rate grew "
        f"(a schedule or warm-up) or training moved into a sharper region.",
        {"largest_eigenvalue": spectrum.largest, "learning_rate": rate, "momentum": spec.momentum,
         "curvature_bound": bound, "largest_stable_rate": stable,
         "hessian_vector_products": spectrum.products, "samples": batch.size, "measured_at": where},
        {"optimizer": spec.name},
        Fix(f"Keep the learning rate below {stable:.3g} for the whole run (cap the schedule)",
            f"keras.optimizers.SGD(learning_rate={suggested:g})", "changes-intent"),
        detected_at=at,
    )


def cliff_replayed(model: Any, sample: Any, batch_size: int, start: Any, steps: int, seconds: float,
                   symptom: Finding, evaluation: Any) -> Finding | None:
    """FD304 for a `symptom` that no reported cause explains: the steps since `start` (probes/
    training.py Snapshot, the last finite weights before the symptom) replayed with a fresh
    copy of the user's optimizer, on mini-batches of `sample`, meet a gradient cliff (the
    pre-flight short run's judgement). A cliff lasts a step or two and the monitor's
    scheduled measurements are far apart; what it leaves behind (a loss that jumped, units
    that died) is what the monitor sees, and the replay finds the step that did it."""
    from fitdoctor.probes.short_run import clone_optimizer, minibatches, train_copy

    optimizer = model.optimizer
    if cliff.clips(optimizer) or steps < cliff.BASELINE_STEPS + 1:
        return None
    clone = clone_optimizer(optimizer)

    def resumed() -> Any:
        # A schedule continues from where the snapshot was taken; momentum restarts at zero.
        fresh = clone()
        fresh.iterations.assign(start.step)
        return fresh

    batches = minibatches(sample, batch_size, steps)
    run = train_copy(model, batches, evaluation, resumed, steps, seconds, start=start.weights)
    trained = (f"{symptom.code} appeared at {symptom.detected_at} with no reported cause, so fitdoctor "
               f"replayed training from the weights of {start.at} with a fresh copy of the user's "
               f"optimizer ({run.steps} steps on mini-batches of {batch_size}): it")
    return cliff.cliff_finding("FD304", run, trained, sample.size, detected_at=symptom.detected_at,
                               run_name=f"a replay from {start.at}")
