"""Reading `WVH_*` variables: every malformed value is one sentence that names it and its bounds."""

from __future__ import annotations

import pytest

from webview_host.environment import EnvReader, Secret, SettingsError


@pytest.mark.parametrize(
    ("bounds", "sentence"),
    [
        ({"minimum": 60}, "Config 'WVH_N' has value 5. It must be at least 60."),
        ({"maximum": 3}, "Config 'WVH_N' has value 5. It must be at most 3."),
        ({"minimum": 6, "maximum": 9}, "Config 'WVH_N' has value 5. It must be between 6 and 9."),
    ],
)
def test_an_integer_out_of_bounds_names_the_bound_it_broke(
    bounds: dict[str, int], sentence: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        EnvReader({"WVH_N": "5"}).integer("N", 1, **bounds)
    assert str(caught.value) == sentence


def test_blank_values_fall_back_to_the_default() -> None:
    env = EnvReader({"WVH_N": "  ", "WVH_T": ""})
    assert env.integer("N", 7) == 7
    assert env.text("T", "d") == "d"


def test_a_secret_never_shows_itself() -> None:
    secret = Secret("s3cr3t-value")
    assert "s3cr3t" not in repr(secret)
    assert "s3cr3t" not in f"{secret}"
    assert secret.reveal() == "s3cr3t-value"
