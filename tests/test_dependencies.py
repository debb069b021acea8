"""A declared dependency is one the code uses."""

from __future__ import annotations

import re
import tomllib

from .conftest import ROOT

# distribution name -> the module it installs, where they differ
MODULES = {"Pillow": "PIL", "textual-image": "textual_image", "babel": "babel"}
# declared for a library altsim uses, which imports it when it is installed
FOR_LIBRARIES = {"sniffio": "httpcore (httpx) looks the async library up with it per request"}


def test_every_runtime_dependency_is_imported() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0] for spec in project["dependencies"]]
    code = "\n".join(p.read_text() for p in (ROOT / "altsim").rglob("*.py"))
    unused = [name for name in names if name not in FOR_LIBRARIES
              and not re.search(rf"^\s*(?:from|import) {MODULES.get(name, name)}\b", code, re.M)]
    assert not unused, f"declared but never imported: {unused}"


def test_a_dependency_declared_for_a_library_is_one_it_imports() -> None:
    import httpcore._synchronization as synchronization

    source = (ROOT / "pyproject.toml").read_text()
    for name in FOR_LIBRARIES:
        assert f'"{name}' in source
    assert "import sniffio" in open(synchronization.__file__).read()
