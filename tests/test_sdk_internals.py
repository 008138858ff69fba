"""The SDK's private API is used in one module only, and an SDK upgrade that changes it is caught.

`tap_zendesk_objects/sdk_internals.py` holds every use. These tests fail when the installed
SDK's source of a function that module relies on differs from the reviewed releases, when
private SDK names creep into any other module, and when the package overrides an SDK method
marked `@final` that the module does not list.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest
from singer_sdk import RESTStream, Stream, Tap

import tap_zendesk_objects
from tap_zendesk_objects import sdk_internals

PACKAGE = Path(sdk_internals.__file__).parent
SDK_OWNERS = {"Stream": Stream, "Tap": Tap}


def sdk_private_names() -> set[str]:
    """Private methods of the SDK's classes, and the private attributes a Stream sets."""
    names = {n for owner in (Stream, RESTStream, Tap) for n in dir(owner)}
    names |= {"_tap", "_stream_version", "_state_writer", "_config", "_schema", "_mask"}
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def is_private_sdk_module(module: str) -> bool:
    """`singer_sdk.helpers._util` and the like."""
    parts = module.split(".")
    return parts[0] == "singer_sdk" and any(part.startswith("_") for part in parts)


def private_uses(path: Path, private: set[str]) -> list[str]:
    """`file:line name` for each private SDK name a module touches, defines or imports."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute) and node.attr in private:
            name = node.attr
        elif isinstance(node, ast.FunctionDef) and node.name in private:
            name = f"def {node.name}"
        elif isinstance(node, ast.ImportFrom) and is_private_sdk_module(node.module or ""):
            name = f"import {node.module}"
        if name:
            found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {name}")
    return found


def package_classes() -> set[type]:
    """Every class defined in the package (`__main__` aside: importing it runs the tap)."""
    found: set[type] = set()
    for module_info in pkgutil.walk_packages(tap_zendesk_objects.__path__, "tap_zendesk_objects."):
        if module_info.name.endswith(".__main__"):
            continue
        module = importlib.import_module(module_info.name)
        found |= {
            value
            for value in vars(module).values()
            if isinstance(value, type) and value.__module__ == module.__name__
        }
    return found


def final_overrides(classes: set[type]) -> set[str]:
    """`Owner.method` for each SDK method marked `@final` that one of `classes` overrides.

    A class counts when it subclasses the SDK's class, or is a mixin in the MRO of one that
    does (typing.final marks a function with `__final__`).
    """
    found = set()
    for owner_name, owner in SDK_OWNERS.items():
        final = {n for n in dir(owner) if getattr(getattr(owner, n, None), "__final__", False)}
        subclasses = [cls for cls in classes if issubclass(cls, owner)]
        for cls in {base for sub in subclasses for base in sub.__mro__ if base in classes}:
            found |= {f"{owner_name}.{name}" for name in final & set(vars(cls))}
    return found


def test_sdk_sources_are_the_reviewed_ones():
    changed = sdk_internals.changed_sources()
    assert not changed, (
        f"the installed singer-sdk changed {', '.join(changed)}: re-read "
        "tap_zendesk_objects/sdk_internals.py against the new source, then add its digest "
        "(sdk_internals.source_digest) to REVIEWED_SOURCES"
    )


def test_the_guard_fails_on_a_changed_source(monkeypatch):
    reviewed = dict(sdk_internals.REVIEWED_SOURCES)
    reviewed["Stream._write_record_message"] = frozenset({"not-this-source"})
    monkeypatch.setattr(sdk_internals, "REVIEWED_SOURCES", reviewed)
    assert sdk_internals.changed_sources() == ["Stream._write_record_message"]


def test_every_final_override_is_listed_and_guarded():
    overridden = final_overrides(package_classes())
    assert overridden == set(sdk_internals.FINAL_OVERRIDES), (
        "SDK methods marked @final that the package overrides: list each in "
        "sdk_internals.FINAL_OVERRIDES, with its digest in REVIEWED_SOURCES"
    )
    assert overridden <= set(sdk_internals.REVIEWED_SOURCES)


def test_an_unlisted_final_override_is_found():
    class Mixin:
        def write_message(self, message: object) -> None:
            """Overrides the SDK's final Tap.write_message through a mixin."""

    class SomeTap(Mixin, Tap):
        name = "tap-some"

    assert final_overrides({Mixin, SomeTap}) == {"Tap.write_message"}


def test_no_other_module_uses_private_sdk_api():
    private = sdk_private_names()
    uses = [
        use
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "sdk_internals.py"
        for use in private_uses(path, private)
    ]
    assert not uses, "private SDK API outside sdk_internals.py:\n" + "\n".join(uses)


def test_sdk_internals_uses_at_most_six_private_names():
    uses = private_uses(PACKAGE / "sdk_internals.py", sdk_private_names())
    names = {use.split()[-1] for use in uses}
    assert names == {
        "_write_record_message",
        "_write_schema_message",
        "_write_activate_version_message",
        "_stream_version",
        "_increment_stream_state",
        "_validate_config",
    }


@pytest.mark.parametrize("name", sorted(sdk_internals.REVIEWED_SOURCES))
def test_every_guarded_function_exists_in_the_sdk(name):
    assert len(sdk_internals.source_digest(name)) == 12
