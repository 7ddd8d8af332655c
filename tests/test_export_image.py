"""The image's PNG export, without a Docker engine: the Dockerfile installs what the export
needs, and its build's smoke test (the RUN that exports PNGs) is run here as the shell of
the build would run it, against the fonts fontconfig is shown."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_compose import dockerfile_instructions
from tests.test_export_png import CJK, LATIN, fontconfig_seeing

VENV_BIN = Path(sys.executable).parent


def runs() -> list[str]:
    return [args for word, args in dockerfile_instructions() if word == "RUN"]


def smoke_test() -> str:
    [smoke] = [args for args in runs() if "accountgraph export --format png" in args]
    return smoke


def test_the_image_installs_cairo_and_a_cjk_font_before_the_package() -> None:
    [install] = [args for args in runs() if "apt-get install" in args]
    packages = install.split("--no-install-recommends", 1)[1].split("&&")[0].split()
    assert "libcairo2" in packages
    assert "fonts-wqy-microhei" in packages or "fonts-noto-cjk" in packages
    assert "rm -rf /var/lib/apt/lists/*" in install
    order = [args for args in runs() if "apt-get install" in args or "pip install ." in args]
    assert "apt-get install" in order[0]


def test_the_smoke_test_exports_both_languages_as_the_serving_user() -> None:
    instructions = dockerfile_instructions()
    smoke = instructions.index(("RUN", smoke_test()))
    users = [i for i, (word, _) in enumerate(instructions) if word == "USER"]
    assert users
    assert users[-1] < smoke
    assert "--lang zh" in smoke_test()


def run_smoke_test(config: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The smoke test's command in ``cwd``, with this environment's accountgraph and
    Python first on the PATH and fontconfig shown ``config``'s fonts only."""
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "FONTCONFIG_FILE": str(config),
    }
    return subprocess.run(
        ["sh", "-c", smoke_test()], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_the_smoke_test_passes_where_a_cjk_font_is_installed(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    config = fontconfig_seeing(tmp_path_factory.mktemp("fonts"), {"Test CJK": CJK})
    work = tmp_path_factory.mktemp("build")
    passed = run_smoke_test(config, work)
    assert passed.returncode == 0, passed.stderr
    assert list(work.iterdir()) == []  # it cleans up after itself


def test_the_smoke_test_fails_the_build_without_a_cjk_font(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    config = fontconfig_seeing(tmp_path_factory.mktemp("fonts"), {"Test Latin": LATIN})
    failed = run_smoke_test(config, tmp_path_factory.mktemp("build"))
    assert failed.returncode != 0
    assert "apt-get install fonts-noto-cjk" in failed.stderr
