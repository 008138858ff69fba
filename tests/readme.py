"""The README's sections and the commands it tells users to type, for tests that follow them."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_section(title: str) -> str:
    """The text of the README's `## title` section, up to the next."""
    text = README.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else None]


def readme_commands(title: str, program: str) -> list[list[str]]:
    """The `program ...` lines of the section's code blocks, split as the shell splits them."""
    section = readme_section(title)
    commands = []
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", section, re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == program:
                commands.append(words)
    return commands
