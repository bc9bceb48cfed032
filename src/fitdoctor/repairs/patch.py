"""Writes a repair into the user's script as a unified diff, the edit a user would make by hand:
an argument of a call (an optimizer's learning rate, compile()'s loss, fit()'s class_weight or
epochs, a layer's activation) or the output end of the model (a Reshape after the last layer).

The script is edited on its concrete syntax tree (libcst), so formatting and comments outside
the edited arguments stay as they are. Each change says where it goes by what the run
measured: the fit() call at the diagnosed line, the compile() of the model that call trains,
the layer by its class and current activation. A change that is not an edit of one call in
the script (data transformed at run time, weights drawn at the first fit()) has no patch; its
repair's code snippet is shown instead.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from fitdoctor.repairs.model import Change, Repair


@dataclass
class PatchContext:
    """What the run measured about the script a repair is written into."""

    script: Path
    display_path: str
    fit_line: int
    fit_calls: int
    epochs_made: int | None
    layers: dict[str, dict]
    output_layer: str | None


class Unwritable(Exception):
    """A change that cannot be written as an edit of a call in the script."""


def diff(repair: Repair, context: PatchContext) -> str | None:
    """A unified diff (headers `--- {display_path}` / `+++ {display_path}`) that applies with
    `patch -p0` from the folder the user ran in, or None when a change cannot be written as an
    edit of a call in the script (the repair's code snippet is shown instead)."""
    try:
        module = cst.parse_module(context.script.read_bytes())
    except cst.ParserSyntaxError:
        return None
    script = _Script(module)
    edits = _Edits(script)
    try:
        for change in repair.changes:
            writer = WRITERS.get((change.target, change.action))
            if writer is None:
                raise Unwritable(f"{change.target}/{change.action} is not an edit of a call")
            writer(script, edits, _params(change), context)
        patched = edits.apply()
    except Unwritable:
        return None
    original = script.module.code
    if patched == original:
        return None
    # A patch that does not parse is worse than none: check it as black checks its output.
    try:
        ast.parse(patched)
    except SyntaxError:
        return None
    return _unified(original, patched, context.display_path)


def _params(change: Change) -> dict[str, Any]:
    return {k: v for k, v in change.params.items() if k != "slot"}


def _unified(original: str, patched: str, path: str) -> str:
    lines = difflib.unified_diff(original.splitlines(keepends=True), patched.splitlines(keepends=True),
                                 fromfile=path, tofile=path)
    # difflib leaves a last line without its newline unmarked; patch needs the marker.
    return "".join(line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n"
                   for line in lines)


# What Keras's own signatures say: argument positions, aliases and defaults, so the patch
# reads a positional argument as Keras does.
def _position(function: Any, name: str) -> int | None:
    names = [p.name for p in inspect.signature(function).parameters.values()
             if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and p.name != "self"]
    return names.index(name) if name in names else None


def _fit_position(name: str) -> int | None:
    import keras

    return _position(keras.Model.fit, name)


def _compile_position(name: str) -> int | None:
    import keras

    return _position(keras.Model.compile, name)


def _default_optimizer() -> str:
    import keras

    return inspect.signature(keras.Model.compile).parameters["optimizer"].default


@lru_cache(maxsize=1)
def _optimizer_classes() -> dict[str, str]:
    """Keras's string aliases of its optimizers ('sgd' -> 'SGD'): the class name, lower-cased."""
    import keras

    return {name.lower(): name for name, value in vars(keras.optimizers).items()
            if isinstance(value, type) and issubclass(value, keras.optimizers.Optimizer)}


def _optimizer_position(class_name: str, name: str) -> int | None:
    import keras

    return _position(getattr(keras.optimizers, class_name).__init__, name)


def _has_activation(class_name: str | None) -> bool | None:
    """Whether a Keras layer class takes an activation; None for a class Keras does not have."""
    import keras

    layer = getattr(keras.layers, class_name or "", None)
    if not isinstance(layer, type):
        return None
    return "activation" in inspect.signature(layer.__init__).parameters


def _layer_position(class_name: str, name: str) -> int | None:
    import keras

    layer = getattr(keras.layers, class_name, None)
    return _position(layer.__init__, name) if isinstance(layer, type) else None


@dataclass
class _Construction:
    """Where the fitted model is built: its `Model(...)` or `Sequential(...)` call, the
    variable it is bound to there (None for `return Sequential([...])`) and that scope."""

    call: cst.Call
    kind: str
    name: str | None
    scope: cst.CSTNode


class _Script:
    """The script's syntax tree with positions and parents, and the look-ups the writers need."""

    # How deep the model's construction is followed through names and builder functions.
    MAX_HOPS = 4

    def __init__(self, module: cst.Module) -> None:
        wrapper = MetadataWrapper(module)
        self.module = wrapper.module
        self.positions = wrapper.resolve(PositionProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        nodes = sorted((n for n in self.positions if isinstance(n, (cst.Call, cst.Assign, cst.AnnAssign,
                                                                    cst.SimpleString))),
                       key=lambda n: (self.positions[n].start.line, self.positions[n].start.column))
        self.calls = [n for n in nodes if isinstance(n, cst.Call)]
        self.assignments = [n for n in nodes if isinstance(n, (cst.Assign, cst.AnnAssign))]
        self.strings = [n for n in nodes if isinstance(n, cst.SimpleString)]
        self.functions = {s.name.value: s for s in self.module.body if isinstance(s, cst.FunctionDef)}

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def start(self, node: cst.CSTNode) -> tuple[int, int]:
        return self.positions[node].start.line, self.positions[node].start.column

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def ancestors(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        found = []
        while node in self.parents:
            node = self.parents[node]
            found.append(node)
        return found

    def scope(self, node: cst.CSTNode) -> cst.CSTNode:
        """The function whose body holds `node`, or the module."""
        return next((a for a in self.ancestors(node) if isinstance(a, (cst.FunctionDef, cst.Lambda))),
                    self.module)

    def method_calls(self, method: str) -> list[cst.Call]:
        return [c for c in self.calls
                if isinstance(c.func, cst.Attribute) and c.func.attr.value == method]

    def receiver(self, call: cst.Call) -> str:
        return self.code(call.func.value)

    def fit_call(self, line: int) -> cst.Call:
        """The fit() call at `line` (the innermost when calls nest over several lines)."""
        hits = [c for c in self.method_calls("fit")
                if self.positions[c].start.line <= line <= self.positions[c].end.line]
        if not hits:
            raise Unwritable(f"no fit() call at line {line}")
        return min(hits, key=lambda c: self.positions[c].end.line - self.positions[c].start.line)

    def only_fit(self, fit: cst.Call) -> None:
        """A trial changes every fit() of the run; editing one call of several would not."""
        scope, receiver = self.scope(fit), self.receiver(fit)
        if any(c is not fit and self.scope(c) is scope and self.receiver(c) == receiver
               for c in self.method_calls("fit")):
            raise Unwritable(f"{receiver}.fit() is called in several places")

    def compile_call(self, fit: cst.Call) -> cst.Call:
        """The compile() of the model `fit` trains: the last `<receiver>.compile(` before it in
        its scope, else the last one where the model is built, else the script's only one."""
        compiles = self.method_calls("compile")
        same = [c for c in compiles if self.receiver(c) == self.receiver(fit)
                and self.scope(c) is self.scope(fit) and self.start(c) < self.start(fit)]
        if same:
            return same[-1]
        try:
            built = self.construction(fit)
        except Unwritable:
            built = None
        if built is not None and built.scope is not self.scope(fit):
            inside = [c for c in compiles if self.scope(c) is built.scope]
            if inside:
                return inside[-1]
        if len(compiles) == 1:
            return compiles[0]
        raise Unwritable("no compile() call of the fitted model")

    def assigned(self, name: str, scope: cst.CSTNode, before: cst.CSTNode) -> cst.BaseExpression | None:
        """The value last assigned to `name` in `scope` before the node `before` (a function
        falls back on the module's globals)."""
        def value(a: cst.CSTNode) -> cst.BaseExpression | None:
            targets = [t.target for t in a.targets] if isinstance(a, cst.Assign) else [a.target]
            if any(isinstance(t, cst.Name) and t.value == name for t in targets):
                return a.value
            return None

        local = [v for a in self.assignments
                 if self.scope(a) is scope and self.start(a) < self.start(before) and (v := value(a)) is not None]
        if local:
            return local[-1]
        if scope is not self.module:
            module = [v for a in self.assignments if self.scope(a) is self.module and (v := value(a)) is not None]
            return module[-1] if module else None
        return None

    def resolve(self, expression: cst.BaseExpression) -> cst.BaseExpression:
        """`expression`, or for a name the value it was assigned from (followed through names)."""
        for _ in range(self.MAX_HOPS):
            if not isinstance(expression, cst.Name):
                return expression
            value = self.assigned(expression.value, self.scope(expression), expression)
            if value is None:
                raise Unwritable(f"{expression.value} is not assigned in the script")
            expression = value
        raise Unwritable("the name is assigned through too many names")

    def construction(self, fit: cst.Call) -> _Construction:
        """Where the model `fit` trains is built, following `model = build()` into `build`."""
        if not isinstance(fit.func.value, cst.Name):
            raise Unwritable(f"the fitted model {self.receiver(fit)} is not a name")
        name, scope, at = fit.func.value.value, self.scope(fit), fit
        for _ in range(self.MAX_HOPS):
            value = self.assigned(name, scope, at) if name is not None else None
            if value is None:
                raise Unwritable(f"the model {name} is not built in the script")
            if isinstance(value, cst.Name):
                name, at = value.value, value
                continue
            if not isinstance(value, cst.Call):
                raise Unwritable(f"the model {name} is not built by a call")
            kind = callee(value)
            if kind in ("Model", "Sequential"):
                return _Construction(value, kind, name, self.scope(value))
            builder = self.functions.get(kind) if isinstance(value.func, cst.Name) else None
            returns = [r for r in self.returns(builder) if r.value is not None] if builder else []
            if not returns:
                raise Unwritable(f"the model is built by {kind}(), not in the script")
            value, scope, at = returns[-1].value, builder, returns[-1]
            if isinstance(value, cst.Call) and callee(value) in ("Model", "Sequential"):
                return _Construction(value, callee(value), None, builder)
            name = value.value if isinstance(value, cst.Name) else None
        raise Unwritable("the model's construction is too far away")

    def returns(self, function: cst.FunctionDef) -> list[cst.Return]:
        return sorted((n for n in self.positions if isinstance(n, cst.Return) and self.scope(n) is function),
                      key=self.line)

    def statement_beside(self, node: cst.CSTNode, anchor: cst.CSTNode) -> cst.BaseStatement:
        """The statement holding `node` that lies in a block which also holds `anchor` (after
        a `model.add` inside a loop comes the loop, not the loop's next line)."""
        around_anchor = set(self.ancestors(anchor))
        for statement in self.ancestors(node):
            if isinstance(statement, cst.BaseStatement) and self.parents.get(statement) in around_anchor:
                return statement
        raise Unwritable("no statement beside the model's construction")

    def layer_call(self, layer: str, layers: dict[str, dict], built: _Construction | None) -> cst.Call:
        """The call constructing `layer`: by its `name=`; for the output layer (`built` given),
        followed back from the model's output; else the one call of its class with its
        current activation, or the last such call in the function that builds the model."""
        info = layers.get(layer)
        if not info:
            raise Unwritable(f"no layer {layer!r} in the run's model")
        of_class = [c for c in self.calls if callee(c) == info["class"]]
        named = [c for c in of_class if _string(_keyword(c, "name")) is not None]
        by_name = [c for c in named if _string(_keyword(c, "name")) == layer]
        if len(by_name) == 1:
            return by_name[0]
        position = _layer_position(info["class"], "activation")
        activations = {c: _activation(_argument(c, "activation", position)) for c in of_class}
        traced = self.output_call(built, info["class"]) if built is not None else None
        if traced is not None and activations[traced] in (info["activation"], None):
            return traced
        # A call whose activation is not a literal may be the layer: it makes the match ambiguous.
        candidates = [c for c in of_class if c not in named and activations[c] in (info["activation"], None)]
        if len(candidates) != 1 and built is not None and isinstance(built.scope, cst.FunctionDef):
            candidates = [c for c in candidates if self.scope(c) is built.scope][-1:]
        if len(candidates) == 1 and activations[candidates[0]] == info["activation"]:
            return candidates[0]
        raise Unwritable(f"no single call constructs layer {layer!r}")

    def output_call(self, built: _Construction, class_name: str) -> cst.Call | None:
        """The call constructing the `class_name` layer that makes the model's (first) output,
        looking through layers without an activation (Flatten, Reshape, Dropout); None when
        the script does not show it."""
        try:
            if built.kind == "Model":
                outputs = _argument(built.call, "outputs", 1)  # Model(inputs, outputs)
                return self._producer(self._first(outputs), class_name)
            adds = [c for c in self.method_calls("add") if built.name is not None
                    and self.receiver(c) == built.name and self.scope(c) is built.scope and c.args]
            listed = _argument(built.call, "layers", 0)
            items = [c.args[0].value for c in adds] if adds else \
                [e.value for e in listed.elements] if isinstance(listed, cst.List) else []
            for item in reversed(items):
                layer = self.resolve(item)
                if isinstance(layer, cst.Call) and callee(layer) == class_name:
                    return layer
                if not isinstance(layer, cst.Call) or _has_activation(callee(layer)) is not False:
                    return None
        except Unwritable:
            return None
        return None

    def _first(self, outputs: cst.BaseExpression | None) -> cst.BaseExpression | None:
        if isinstance(outputs, (cst.List, cst.Tuple)) and outputs.elements:
            return outputs.elements[0].value
        return outputs

    def _producer(self, tensor: cst.BaseExpression | None, class_name: str) -> cst.Call | None:
        """The `class_name` layer call that produced `tensor` (`Dense(1)(x)`, `dense(x)`)."""
        for _ in range(4 * self.MAX_HOPS):
            if tensor is None:
                return None
            tensor = self.resolve(tensor)
            if not isinstance(tensor, cst.Call) or not isinstance(tensor.func, (cst.Call, cst.Name)):
                return None
            layer = self.resolve(tensor.func)
            if not isinstance(layer, cst.Call):
                return None
            if callee(layer) == class_name:
                return layer
            if _has_activation(callee(layer)) is not False or not tensor.args:
                return None
            tensor = tensor.args[0].value
        return None


def callee(call: cst.Call) -> str | None:
    """The called name: `Conv2D` for `Conv2D(`, `layers.Conv2D(` and `keras.layers.Conv2D(`."""
    if isinstance(call.func, cst.Name):
        return call.func.value
    if isinstance(call.func, cst.Attribute):
        return call.func.attr.value
    return None


def _keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    return next((a.value for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def _argument(call: cst.Call, name: str, position: int | None) -> cst.BaseExpression | None:
    """The argument `name`, given by keyword or at `position`; None when not given."""
    given = _keyword(call, name)
    if given is not None or position is None:
        return given
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[position].value if position < len(positional) else None


def _string(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _activation(node: cst.BaseExpression | None) -> str | None:
    """The activation an argument names ('linear' for none given), None when not a literal."""
    if node is None or (isinstance(node, cst.Name) and node.value == "None"):
        return "linear"
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return _string(node)


def set_argument(call: cst.Call, name: str, position: int | None,
                 value: Callable[[cst.BaseExpression | None], cst.BaseExpression]) -> cst.Call:
    """`call` with argument `name` (a keyword, or the positional one at `position`) set to
    `value(current)`, added as a keyword when not given."""
    args = list(call.args)
    for i, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == name:
            args[i] = arg.with_changes(value=value(arg.value))
            return call.with_changes(args=args)
    positional = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
    if position is not None and position < len(positional):
        i = positional[position]
        args[i] = args[i].with_changes(value=value(args[i].value))
        return call.with_changes(args=args)
    if any(a.star for a in args):
        raise Unwritable(f"{name} may be among the call's *args/**kwargs")
    new = cst.Arg(value=value(None), keyword=cst.Name(name),
                  equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                        whitespace_after=cst.SimpleWhitespace("")))
    return call.with_changes(args=_appended(args, new, call.whitespace_before_args)[0])


def _appended(items: list, new: Any, opening: cst.BaseParenthesizableWhitespace,
              closing: cst.BaseParenthesizableWhitespace | None = None) -> tuple[list, Any]:
    """`items` (arguments or list elements) with `new` at the end, in their layout: one per
    line stays one per line, a trailing comma stays trailing, a comment after the last item
    stays on its line. Also returns the whitespace before the closing bracket (`closing`,
    where a list keeps it)."""
    if not items:
        return [new], closing
    last = items[-1]
    if len(items) > 1 and isinstance(items[-2].comma, cst.Comma):
        separator = items[-2].comma.whitespace_after
    elif isinstance(opening, cst.ParenthesizedWhitespace):
        separator = opening
    else:
        separator = cst.SimpleWhitespace(" ")
    if isinstance(separator, cst.ParenthesizedWhitespace):
        separator = separator.with_changes(first_line=cst.TrailingWhitespace())
    # The whitespace after the last item: its trailing comma's, its own (an argument's) or the
    # closing bracket's. It moves behind the new item, less a comment on the last item's line.
    if isinstance(last.comma, cst.Comma) and not _blank(last.comma.whitespace_after):
        where, trailing = "comma", last.comma.whitespace_after
    elif isinstance(last, cst.Arg) and not _blank(last.whitespace_after_arg):
        where, trailing = "arg", last.whitespace_after_arg
    else:
        where, trailing = "closing", closing
    between = separator
    if isinstance(trailing, cst.ParenthesizedWhitespace) and isinstance(separator, cst.ParenthesizedWhitespace):
        between = separator.with_changes(first_line=trailing.first_line)
        trailing = trailing.with_changes(first_line=cst.TrailingWhitespace())
    if isinstance(last.comma, cst.Comma):
        new = new.with_changes(comma=last.comma.with_changes(
            whitespace_after=trailing if where == "comma" else last.comma.whitespace_after))
    if where == "arg":
        new = new.with_changes(whitespace_after_arg=trailing)
        last = last.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
    last = last.with_changes(comma=cst.Comma(whitespace_after=between))
    return [*items[:-1], last, new], trailing if where == "closing" else closing


def _blank(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    return isinstance(whitespace, cst.SimpleWhitespace) and not whitespace.value


class _Edits:
    """The edits of one repair, as transforms of nodes of the original tree; a node's transforms
    compose (a learning rate and a clip norm on one optimizer call)."""

    def __init__(self, script: _Script) -> None:
        self.script = script
        self.transforms: dict[cst.CSTNode, list[Callable[[Any], Any]]] = {}
        self.after: dict[cst.CSTNode, list[cst.BaseStatement]] = {}
        self.uses_keras = False
        quotes = [s.quote for s in script.strings if len(s.quote) == 1]
        self.quote = "'" if quotes.count("'") > quotes.count('"') else '"'

    def on(self, node: cst.CSTNode, transform: Callable[[Any], Any]) -> None:
        # Transforms see the nodes as earlier edits left them; run each once now on the
        # original so that an edit that cannot be written fails before any is applied.
        transform(node)
        self.transforms.setdefault(node, []).append(transform)

    def insert_after(self, statement: cst.BaseStatement, code: str) -> None:
        self.after.setdefault(statement, []).append(cst.parse_statement(code))

    def literal(self, value: Any) -> cst.BaseExpression:
        return cst.parse_expression(self.literal_code(value))

    def keras(self, code: str) -> cst.BaseExpression:
        """`keras.<code>`, with `keras` imported where the script does not import it."""
        self.uses_keras = True
        return cst.parse_expression(f"keras.{code}")

    def keras_call(self, module: str, class_name: str, config: dict[str, Any]) -> cst.BaseExpression:
        arguments = ", ".join(f"{k}={self.literal_code(v)}" for k, v in config.items())
        return self.keras(f"{module}.{class_name}({arguments})")

    def literal_code(self, value: Any) -> str:
        if isinstance(value, str):
            return json.dumps(value) if self.quote == '"' else repr(value)
        if isinstance(value, float) and not math.isfinite(value):
            raise Unwritable(f"{value} has no literal")
        if value is None or isinstance(value, (bool, int, float)):
            return repr(value)
        if isinstance(value, dict):
            return "{" + ", ".join(f"{self.literal_code(k)}: {self.literal_code(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.literal_code(v) for v in value) + "]"
        if isinstance(value, tuple):
            inner = ", ".join(self.literal_code(v) for v in value)
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        raise Unwritable(f"{type(value).__name__} has no literal")

    def apply(self) -> str:
        edits = self

        class Apply(cst.CSTTransformer):
            def on_leave(self, original: Any, updated: Any) -> Any:
                for transform in edits.transforms.get(original, ()):
                    updated = transform(updated)
                following = edits.after.get(original)
                return cst.FlattenSentinel([updated, *following]) if following else updated

        module = self.script.module.visit(Apply())
        if self.uses_keras and not _binds_keras(module):
            module = _with_import(module, "import keras\n")
        return module.code


def _imports(module: cst.Module) -> list[cst.SimpleStatementLine]:
    return [s for s in module.body if isinstance(s, cst.SimpleStatementLine)
            and any(isinstance(small, (cst.Import, cst.ImportFrom)) for small in s.body)]


def _binds_keras(module: cst.Module) -> bool:
    """Whether a top-level import binds the name `keras` (`import keras`, `import keras.x`,
    `from tensorflow import keras`)."""
    for line in _imports(module):
        for statement in line.body:
            names = statement.names if isinstance(statement, (cst.Import, cst.ImportFrom)) else ()
            for alias in names if isinstance(names, (list, tuple)) else ():
                bound = alias.asname.name if alias.asname else alias.name
                while isinstance(bound, cst.Attribute) and not alias.asname:
                    bound = bound.value
                if isinstance(bound, cst.Name) and bound.value == "keras":
                    return True
    return False


def _with_import(module: cst.Module, code: str) -> cst.Module:
    """`module` with the import after its last top-level import (after the docstring when
    there is none)."""
    body = list(module.body)
    imports = _imports(module)
    if imports:
        at = body.index(imports[-1]) + 1
    else:
        docstring = bool(body) and isinstance(body[0], cst.SimpleStatementLine) and \
            isinstance(body[0].body[0], cst.Expr) and isinstance(body[0].body[0].value, cst.SimpleString)
        at = 1 if docstring else 0
    body.insert(at, cst.parse_statement(code))
    return module.with_changes(body=body)


# The writers: (script, edits, params, context) -> None, registering the edits of one change.
Writer = Callable[[_Script, _Edits, dict, PatchContext], None]


def write_optimizer(script: _Script, edits: _Edits, params: dict, context: PatchContext) -> None:
    """The optimizer of the fitted model's compile(): a string alias becomes its class with the
    new configuration; a call gets the configuration (a new class, as a trial builds it, only
    the configuration); a name is edited where it was assigned."""
    config, class_name = dict(params.get("config") or {}), params.get("class_name")

    def changed(expression: cst.BaseExpression | None) -> cst.BaseExpression:
        if expression is None or isinstance(expression, cst.SimpleString):
            alias = _default_optimizer() if expression is None else _string(expression)
            name = class_name or _optimizer_classes().get(str(alias).lower())
            if name is None:
                raise Unwritable(f"{alias!r} is not a Keras optimizer")
            return edits.keras_call("optimizers", name, config)
        if not isinstance(expression, cst.Call) or callee(expression) not in _optimizer_classes().values():
            raise Unwritable("the optimizer is not made by a call of a Keras optimizer class")
        if class_name and class_name != callee(expression):
            return edits.keras_call("optimizers", class_name, config)
        for key, value in config.items():
            expression = set_argument(expression, key, _optimizer_position(callee(expression), key),
                                      lambda _, value=value: edits.literal(value))
        return expression

    compile_call = script.compile_call(script.fit_call(context.fit_line))
    given = _argument(compile_call, "optimizer", _compile_position("optimizer"))
    if given is None:
        edits.on(compile_call, lambda call: set_argument(call, "optimizer", _compile_position("optimizer"), changed))
    else:
        edits.on(script.resolve(given), changed)


def write_loss(script: _Script, edits: _Edits, params: dict, context: PatchContext) -> None:
    """compile()'s loss: the name as a string, or the loss class with its configuration."""
    config = {k: v for k, v in params.items() if k != "name"}
    new = (lambda: edits.keras_call("losses", params["name"], config)) if config \
        else (lambda: edits.literal(params["name"]))
    compile_call = script.compile_call(script.fit_call(context.fit_line))
    edits.on(compile_call, lambda call: set_argument(call, "loss", _compile_position("loss"), lambda _: new()))


def write_fit_argument(script: _Script, edits: _Edits, params: dict, context: PatchContext) -> None:
    name, value = params["name"], params["value"]
    if name == "class_weight":
        value = {int(k): float(v) for k, v in value.items()}
    fit = script.fit_call(context.fit_line)
    script.only_fit(fit)
    edits.on(fit, lambda call: set_argument(call, name, _fit_position(name), lambda _: edits.literal(value)))


def write_budget(script: _Script, edits: _Edits, params: dict, context: PatchContext) -> None:
    """fit()'s epochs: the epochs the trial trained, shared out over the run's fit() calls
    (`epochs` is the last epoch's index, so a given initial_epoch is added)."""
    if not context.epochs_made or context.fit_calls < 1:
        raise Unwritable("the trial's epochs are not known")
    per_call = math.ceil(context.epochs_made / context.fit_calls)
    fit = script.fit_call(context.fit_line)
    script.only_fit(fit)
    start = _argument(fit, "initial_epoch", _fit_position("initial_epoch"))
    if start is None:
        epochs = edits.literal(per_call)
    elif isinstance(start, cst.Integer):
        epochs = edits.literal(int(start.evaluated_value) + per_call)
    else:
        atom = isinstance(start, (cst.Name, cst.Attribute, cst.Call, cst.Subscript))
        code = script.code(start)
        epochs = cst.parse_expression(f"{code if atom else f'({code})'} + {per_call}")
    edits.on(fit, lambda call: set_argument(call, "epochs", _fit_position("epochs"), lambda _: epochs))


def write_activation(script: _Script, edits: _Edits, params: dict, context: PatchContext) -> None:
    """A layer's activation, at the call constructing the layer ('linear' is `None`)."""
    layer = params.get("layer") or context.output_layer
    if layer is None:
        raise Unwritable("the output layer is not known")
    built = None
    if layer == context.output_layer:
        try:
            built = script.construction(script.fit_call(context.fit_line))
        except Unwritable:
            built = None
    call = script.layer_call(layer, context.layers, built)
    activation = params["activation"]
    position = _layer_position(context.layers[layer]["class"], "activation")
    edits.on(call, lambda c: set_argument(
        c, "activation", position,
        lambda _: cst.Name("None") if activation == "linear" else edits.literal(activation)))


def write_reshape_output(script: _Script, edits: _Edits, params: dict, context: PatchContext) -> None:
    """A Reshape after the model's (first) output: around the functional model's output, or
    as the last layer of a Sequential."""
    shape = tuple(params.get("shape") or ()) or (1,)
    built = script.construction(script.fit_call(context.fit_line))

    def reshape() -> cst.BaseExpression:
        return edits.keras(f"layers.Reshape({edits.literal_code(shape)})")

    if built.kind == "Model":
        def wrapped(outputs: cst.BaseExpression | None) -> cst.BaseExpression:
            if isinstance(outputs, (cst.List, cst.Tuple)) and outputs.elements \
                    and isinstance(outputs.elements[0], cst.Element):
                first = outputs.elements[0]
                return outputs.with_changes(elements=[
                    first.with_changes(value=cst.Call(func=reshape(), args=[cst.Arg(first.value)])),
                    *outputs.elements[1:]])
            if outputs is None or isinstance(outputs, (cst.List, cst.Tuple, cst.Dict)):
                raise Unwritable("the model's outputs are not one tensor or a list of them")
            return cst.Call(func=reshape(), args=[cst.Arg(outputs)])

        # keras.Model takes *args; a functional model's outputs come second: Model(inputs, outputs).
        edits.on(built.call, lambda call: set_argument(call, "outputs", 1, wrapped))
        return
    adds = [c for c in script.method_calls("add") if built.name is not None and script.receiver(c) == built.name
            and script.scope(c) is built.scope and script.start(c) > script.start(built.call)]
    if adds:
        edits.insert_after(script.statement_beside(adds[-1], built.call),
                           f"{built.name}.add({script.code(reshape())})\n")
        return
    layers = _argument(built.call, "layers", 0)
    if not isinstance(layers, cst.List):
        raise Unwritable("the Sequential's layers are neither added nor a list")

    def appended(listed: cst.List) -> cst.List:
        elements, closing = _appended(list(listed.elements), cst.Element(reshape()),
                                      listed.lbracket.whitespace_after, listed.rbracket.whitespace_before)
        return listed.with_changes(elements=elements, rbracket=listed.rbracket.with_changes(whitespace_before=closing))

    edits.on(layers, appended)


WRITERS: dict[tuple[str, str], Writer] = {
    ("compile", "optimizer"): write_optimizer, ("compile", "loss"): write_loss,
    ("fit", "argument"): write_fit_argument, ("fit", "budget"): write_budget,
    ("model", "output_activation"): write_activation, ("model", "layer_activation"): write_activation,
    ("model", "reshape_output"): write_reshape_output,
}
