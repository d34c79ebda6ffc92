import pytest

from hitrec_app import routes


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/ /evil.example",
        "relative/path",
    ],
)
def test_next_paths_that_could_leave_the_site_go_home(target):
    assert routes.safe_next(target) == routes.HOME


@pytest.mark.parametrize("target", ["/profile", "/challenges/3?sort=newest", "/drafts/2"])
def test_same_site_paths_are_followed(target):
    assert routes.safe_next(target) == target
