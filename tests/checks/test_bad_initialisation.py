"""FD305's starting-loss judgement: an error must predict that training fails, and a start
6x log C that Adam trains away scores like one it does not, so a bad start is a warning."""

import pytest

from conftest import FIXTURES, diagnose_script
from fitdoctor.findings import Severity

pytestmark = pytest.mark.backends


@pytest.mark.parametrize("name", ["bad_softmax_head_stddev4_trains_slower.py", "bad_softmax_head_stddev10.py"])
def test_a_large_starting_loss_is_a_warning_not_an_error(name):
    report = diagnose_script(FIXTURES / "FD305" / name)
    found = [f for f in report.findings() if f.code == "FD305" and "initial" in f.title]
    assert [f.severity for f in found] == [Severity.WARNING], [(f.severity.label, f.title) for f in found]
    assert found[0].evidence["loss_after_short_run"] > 0
