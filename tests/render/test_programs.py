"""Shell programs are files, filled in with the plan's values: what a placeholder takes, and what fails."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from components.render.programs import SHELLS, Programs, recording

RENDER = Path(__file__).resolve().parents[2] / "components" / "render"
PROGRAM_FILES = sorted(path for path in RENDER.glob("*/programs/*") if path.is_file())


class Folder:
    """A package of its own with a ``programs/`` folder, for programs written by a test."""

    def __init__(self, root: Path, package: str) -> None:
        self.programs_dir = root / package / "programs"
        self.programs_dir.mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
        self.programs = Programs(package)

    def write(self, name: str, text: str) -> Programs:
        (self.programs_dir / name).write_text(text)
        return self.programs


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Folder:
    monkeypatch.syspath_prepend(str(tmp_path))
    # One package name per test: Python and the program cache keep what they loaded once.
    return Folder(tmp_path, "programs_" + re.sub(r"\W", "_", tmp_path.name))


def test_an_inline_placeholder_takes_its_text_as_it_is(folder: Folder) -> None:
    programs = folder.write("a.sh", 'sleep @SECONDS@; echo "@WHO@ done"\n')
    assert programs.text("a.sh", SECONDS="2", WHO="r1") == 'sleep 2; echo "r1 done"\n'


def test_a_placeholder_alone_on_its_line_takes_lines_at_its_indentation(folder: Folder) -> None:
    programs = folder.write("b.sh", "f() {\n  @BODY@\n}\n")
    assert programs.text("b.sh", BODY=["one", "two"]) == "f() {\n  one\n  two\n}\n"
    assert programs.text("b.sh", BODY="one\ntwo\n") == "f() {\n  one\n  two\n}\n"


def test_an_empty_block_writes_no_line(folder: Folder) -> None:
    programs = folder.write("c.sh", "cat > f <<'END'\n@LINES@\nEND\n")
    assert programs.text("c.sh", LINES=[]) == "cat > f <<'END'\nEND\n"
    assert programs.text("c.sh", LINES="") == "cat > f <<'END'\nEND\n"


def test_a_values_final_newline_is_not_part_of_it(folder: Folder) -> None:
    programs = folder.write("d.sh", "producer | @CONSUMER@\n")
    assert programs.text("d.sh", CONSUMER="sort\nuniq\n") == "producer | sort\nuniq\n"


def test_values_are_not_searched_for_placeholders_again(folder: Folder) -> None:
    programs = folder.write("e.sh", "echo @A@ @B@\n")
    assert programs.text("e.sh", A="@B@", B="b") == "echo @B@ b\n"


def test_notes_are_for_the_reader_of_the_file_only(folder: Folder) -> None:
    programs = folder.write("f.sh", "#!/bin/sh\n#@ @X@: what it holds\necho @X@\n")
    assert programs.text("f.sh", X="x") == "#!/bin/sh\necho x\n"


def test_no_full_line_comment_of_the_program_reaches_the_script(folder: Folder) -> None:
    programs = folder.write("k.sh", "#!/bin/sh\n# why it waits\nf() {\n  # what it checks\n  true\n}\necho done # as it is\n")
    assert programs.text("k.sh") == "#!/bin/sh\nf() {\n  true\n}\necho done # as it is\n"


def test_shellcheck_directives_are_for_shellcheck_reading_the_file(folder: Folder) -> None:
    programs = folder.write("l.sh", "#!/bin/sh\n# shellcheck disable=SC2034\nunused=1\n")
    assert programs.text("l.sh") == "#!/bin/sh\nunused=1\n"


def test_only_the_first_line_can_be_a_shebang(folder: Folder) -> None:
    programs = folder.write("m.sh", "echo\n#!/bin/sh\n")
    assert programs.text("m.sh") == "echo\n"


def test_the_lines_of_a_heredoc_the_program_writes_are_data(folder: Folder) -> None:
    programs = folder.write(
        "n.sh",
        "cat > a <<'END'\n# kept: data\n#@ kept too\nEND\n# dropped\ncat > b <<-END\n\t# kept\n\tEND\n"
        'cat > c <<"@MARKER@"\n# kept\n@MARKER@\n# dropped\necho $((1 << 2))\n# dropped\n',
    )
    assert programs.text("n.sh", MARKER="X") == (
        "cat > a <<'END'\n# kept: data\n#@ kept too\nEND\ncat > b <<-END\n\t# kept\n\tEND\ncat > c <<\"X\"\n# kept\nX\necho $((1 << 2))\n"
    )


def test_a_comment_put_in_as_a_value_reaches_the_script(folder: Folder) -> None:
    programs = folder.write("o.sh", "#!/bin/sh\n@TITLE@\n# the program's own\necho\n")
    assert programs.text("o.sh", TITLE="# apply digest 0f") == "#!/bin/sh\n# apply digest 0f\necho\n"


def test_a_placeholder_only_a_comment_names_takes_no_value(folder: Folder) -> None:
    programs = folder.write("p.sh", "# for @ROUTER@\necho\n")
    with pytest.raises(ValueError, match="no placeholder for ROUTER"):
        programs.text("p.sh", ROUTER="r1")


def test_a_placeholder_without_a_value_fails(folder: Folder) -> None:
    programs = folder.write("g.sh", "echo @MISSING@\n")
    with pytest.raises(KeyError, match="@MISSING@"):
        programs.text("g.sh")


def test_a_value_without_a_placeholder_fails(folder: Folder) -> None:
    programs = folder.write("h.sh", "echo\n")
    with pytest.raises(ValueError, match="no placeholder for EXTRA"):
        programs.text("h.sh", EXTRA="x")


def test_lines_cannot_go_within_a_line(folder: Folder) -> None:
    programs = folder.write("i.sh", "echo @WORDS@\n")
    with pytest.raises(TypeError, match="@WORDS@"):
        programs.text("i.sh", WORDS=["a", "b"])


def test_a_program_file_ends_with_a_newline(folder: Folder) -> None:
    programs = folder.write("j.sh", "echo")
    with pytest.raises(ValueError, match="must end with a newline"):
        programs.text("j.sh")


def test_a_digested_program_names_the_sha256_of_its_text_without_that_line(folder: Folder) -> None:
    programs = folder.write("k.sh", "#!/bin/sh\n  @VERSION@\necho @WHO@\n")
    text, digest = programs.digested("k.sh", "VERSION", lambda digest: f"# version {digest}", WHO="r1")
    # sha256 of "#!/bin/sh\necho r1\n"
    assert digest == "dfd0b90aafff6bdb9fe0711e1c6c2b2e96b22ffbaa4cb76b891ec405b63d7c18"
    assert text == f"#!/bin/sh\n  # version {digest}\necho r1\n"


def test_a_digested_program_is_recorded_as_rendered_with_its_digest_line(folder: Folder) -> None:
    programs = folder.write("l.sh", "@VERSION@\necho\n")
    with recording() as rendered:
        text, digest = programs.digested("l.sh", "VERSION", lambda digest: f"# {digest}")
    assert [(each.name, dict(each.values), each.text) for each in rendered] == [("l.sh", {"VERSION": [f"# {digest}"]}, text)]


def test_the_digest_line_of_a_program_stands_alone_on_its_line(folder: Folder) -> None:
    programs = folder.write("m.sh", "echo @VERSION@\n")
    with pytest.raises(ValueError, match="@VERSION@ must stand alone on its line"):
        programs.digested("m.sh", "VERSION", str)


def test_the_renderers_keep_their_programs_as_shell_files() -> None:
    assert PROGRAM_FILES, f"no programs under {RENDER}"
    for path in PROGRAM_FILES:
        assert path.suffix in SHELLS, f"{path.name}: a program is .vbash (VyOS) or .sh (POSIX sh)"
        assert path.read_text().endswith("\n"), path


@pytest.mark.parametrize("path", PROGRAM_FILES, ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_every_program_is_rendered_by_its_package(path: Path) -> None:
    package = path.parent.parent
    sources = "".join(module.read_text() for module in package.glob("*.py"))
    assert re.search(rf"[\"']{re.escape(path.name)}[\"']", sources), f"{path.name} is named by no module of {package.name}"


# Shell grammar that only a script has: a condition's `then`, `fi`, `esac`, a loop's `do`, `||`, `&&`, a
# redirection to stderr, a command substitution, a test.
SHELL_GRAMMAR = re.compile(r";\s*then\b|^\s*fi\b|\besac\b|;\s*do\b|\|\||&&|>&2|\$\(|\bif \[")
# Not router text: run by the local ssh as its KnownHostsCommand, one line that ssh splits itself.
NOT_ROUTER_TEXT = {("ssh.py", "_MAKE_CONTROL_DIRECTORY")}


def _string_literals(path: Path) -> list[tuple[str, str]]:
    """(where, text) of every string literal of a module but its docstrings."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and node.body and isinstance(node.body[0], ast.Expr)
    }
    named = {
        id(value): target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
        for value in ast.walk(node.value)
    }
    return [
        (named.get(id(node), f"line {node.lineno}"), node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


@pytest.mark.parametrize("path", sorted(RENDER.rglob("*.py")), ids=lambda path: str(path.relative_to(RENDER)))
def test_a_renderer_writes_no_shell_of_its_own_only_data_for_its_programs(path: Path) -> None:
    shell = [
        f"{where}: {text!r}"
        for where, text in _string_literals(path)
        if SHELL_GRAMMAR.search(text) and (path.name, where) not in NOT_ROUTER_TEXT
    ]
    assert not shell, f"{path.name} holds shell: put it in a program file under programs/ and give it the data"


def test_recording_lists_every_program_rendered_with_its_values_in_order(folder: Folder) -> None:
    folder.write("inner.sh", "echo @WHO@\n")
    programs = folder.write("outer.sh", "#!/bin/sh\n@BODY@\n")
    with recording() as rendered:
        programs.text("outer.sh", BODY=programs.text("inner.sh", WHO="r1"))
    assert [(each.name, dict(each.values), each.text) for each in rendered] == [
        ("inner.sh", {"WHO": "r1"}, "echo r1\n"),
        ("outer.sh", {"BODY": "echo r1\n"}, "#!/bin/sh\necho r1\n"),
    ]
    assert programs.text("inner.sh", WHO="r2") == "echo r2\n" and len(rendered) == 2
