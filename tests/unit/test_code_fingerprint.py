"""The fingerprint of the running code, under which the page cache files its generation."""

from blogapp.caching.keys import code_fingerprint


def write_code(folder, template: str) -> None:
    (folder / "templates").mkdir(parents=True)
    (folder / "app.py").write_text("print('hello')\n")
    (folder / "templates" / "page.html").write_text(template)


def test_the_same_code_has_the_same_fingerprint(tmp_path):
    write_code(tmp_path / "one", "<p>{{ title }}</p>")
    write_code(tmp_path / "two", "<p>{{ title }}</p>")

    assert code_fingerprint(tmp_path / "one") == code_fingerprint(tmp_path / "two")


def test_a_changed_template_or_a_moved_file_changes_the_fingerprint(tmp_path):
    write_code(tmp_path / "before", "<p>{{ title }}</p>")
    write_code(tmp_path / "edited", "<h1>{{ title }}</h1>")
    write_code(tmp_path / "moved", "<p>{{ title }}</p>")
    (tmp_path / "moved" / "templates" / "page.html").rename(
        tmp_path / "moved" / "templates" / "other.html"
    )

    fingerprints = {code_fingerprint(tmp_path / name) for name in ("before", "edited", "moved")}

    assert len(fingerprints) == 3


def test_compiled_files_do_not_change_the_fingerprint(tmp_path):
    write_code(tmp_path / "clean", "<p>{{ title }}</p>")
    write_code(tmp_path / "run", "<p>{{ title }}</p>")
    (tmp_path / "run" / "__pycache__").mkdir()
    (tmp_path / "run" / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\x00compiled")

    assert code_fingerprint(tmp_path / "clean") == code_fingerprint(tmp_path / "run")
