"""System checks report bad INTERP_EXEC entries at start-up."""

from typing import Any

from interp_exec.checks import check_interp_exec_settings


def test_the_site_settings_pass() -> None:
    assert check_interp_exec_settings(None) == []


def test_a_workload_module_that_cannot_import_is_an_error(settings: Any) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "WORKLOADS": ["episodic.no_such_module"]}
    (error,) = check_interp_exec_settings(None)
    assert error.id == "interp_exec.E001"
    assert "'episodic.no_such_module'" in error.msg


def test_a_bad_sink_or_policy_path_is_an_error(settings: Any) -> None:
    settings.INTERP_EXEC = {
        **settings.INTERP_EXEC,
        "POLICY_SOURCE": "interp_exec.routing.flag_policy.no_such_policy",
        "EVENT_SINKS": ["no_such_package.sink"],
    }
    errors = check_interp_exec_settings(None)
    assert [e.id for e in errors] == ["interp_exec.E002", "interp_exec.E002"]
    assert "interp_exec.routing.flag_policy.no_such_policy" in errors[0].msg
    assert "no_such_package.sink" in errors[1].msg


def test_an_unknown_default_mode_is_an_error(settings: Any) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "DEFAULT_MODE": "threads"}
    (error,) = check_interp_exec_settings(None)
    assert error.id == "interp_exec.E003"
    assert "'threads'" in error.msg
    assert "inline, interpreters, processes" in error.msg


def test_an_explore_share_outside_0_to_1_is_an_error(settings: Any) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "AUTO_EXPLORE_SHARE": 5}
    (error,) = check_interp_exec_settings(None)
    assert error.id == "interp_exec.E004"
    assert "AUTO_EXPLORE_SHARE is 5" in error.msg
