"""docs/notebooks/tour.ipynb runs on a real Jupyter kernel, and its stored outputs are current.

The kernel is this interpreter (``sys.executable -m ipykernel_launcher``), described by a
kernelspec in a temporary directory, so the test works in a fresh virtualenv without
``jupyter kernelspec install``. Regenerate the stored outputs with
``.venv/bin/python -m tests.test_notebook``.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
NOTEBOOK = ROOT / "docs" / "notebooks" / "tour.ipynb"

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


def execute(path: Path = NOTEBOOK) -> Any:
    """The notebook at ``path``, outputs cleared, executed on a kernel running this Python."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    with tempfile.TemporaryDirectory() as kernels, pytest.MonkeyPatch.context() as mp:
        # the kernel inherits the environment: no user data layers, no user IPython profile
        for name in ("AITRENDS_DATA", "AITRENDS_NO_BUNDLED", "AITRENDS_DEBUG"):
            mp.delenv(name, raising=False)
        mp.setenv("JUPYTER_PLATFORM_DIRS", "1")
        mp.setenv("IPYTHONDIR", str(Path(kernels) / "ipython"))
        spec = Path(kernels) / "aitrends-test"
        spec.mkdir()
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        (spec / "kernel.json").write_text(
            json.dumps({"argv": argv, "display_name": "aitrends test", "language": "python"}),
            encoding="utf-8",
        )
        km = KernelManager(
            kernel_name="aitrends-test", kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels])
        )
        km.connection_file = str(Path(kernels) / "connection.json")  # not in the user's runtime dir
        if os.name == "posix":  # local sockets: no TCP port, no warning about unencrypted TCP
            km.transport = "ipc"
            km.ip = str(Path(kernels) / "kernel")
        client = nbclient.NotebookClient(
            nb,
            km=km,
            timeout=180,
            record_timing=False,  # no timestamps: a rerun changes the file only if outputs change
            resources={"metadata": {"path": str(path.parent)}},
        )
        # cleanup_kc: stop the kernel and close the client's sockets (nbclient leaves them open
        # when it is given a kernel manager, and the garbage collector then warns)
        client.execute(cleanup_kc=True)
    return nb


def comparable(nb: Any) -> list[list[Any]]:
    """What must not change between runs: per code cell, the kinds of output, the text
    printed, plain values, aitrends' own HTML and the values in DataFrames. Images and pandas'
    markup are left out (they vary with the matplotlib and pandas versions)."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        items: list[Any] = []
        for o in cell.outputs:
            if o.output_type == "stream":
                items.append((o.name, o.text))
            elif o.output_type in ("execute_result", "display_data"):
                data = o.get("data", {})
                html = data.get("text/html", "")
                if "aitrends-" in html:
                    items.append(("html", html))
                elif "image/png" in data:
                    items.append(("image", "image/png"))
                elif html:  # a DataFrame: its cell values, not pandas' version-dependent markup
                    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", html, flags=re.S))
                    items.append(("table", " ".join(text.split())))
                else:
                    items.append(("plain", data.get("text/plain")))
            else:
                items.append((o.output_type, o.get("ename"), o.get("evalue")))
        out.append(items)
    return out


@pytest.fixture(scope="module")
def executed() -> Any:
    return execute()


class TestTour:
    """The tour notebook."""

    def test_runs_without_error_or_stderr(self, executed):
        streams = [
            o.text
            for c in executed.cells
            if c.cell_type == "code"
            for o in c.outputs
            if o.output_type == "stream"
        ]
        assert not [
            o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
        ]
        assert all(
            o.name == "stdout"
            for c in executed.cells
            if c.cell_type == "code"
            for o in c.outputs
            if "name" in o
        ), streams

    def test_shows_the_promised_parts(self, executed):
        html = "".join(
            o.get("data", {}).get("text/html", "")
            for c in executed.cells
            if c.cell_type == "code"
            for o in c.outputs
        )
        assert 'class="aitrends-fact"' in html  # a fact card
        assert html.count('class="aitrends-table"') == 3  # figures, forecasts due, quotes
        assert html.count('class="dataframe"') >= 4  # trends and the groupbys
        images = [
            o
            for c in executed.cells
            if c.cell_type == "code"
            for o in c.outputs
            if "image/png" in o.get("data", {})
        ]
        assert len(images) == 1

    def test_stored_outputs_are_from_the_current_code(self, executed):
        stored = nbformat.read(NOTEBOOK, as_version=4)
        assert comparable(stored) == comparable(executed), "run: .venv/bin/python -m tests.test_notebook"
        assert all(c.execution_count for c in stored.cells if c.cell_type == "code")


def update() -> None:
    """Execute the notebook and store it with its outputs."""
    nbformat.write(execute(), NOTEBOOK)


if __name__ == "__main__":
    update()
