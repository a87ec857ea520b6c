"""pmkit.generated: the write-or-check step every data generator ends with."""

from pmkit.generated import write_or_check


def test_write_then_check_passes_and_drift_fails(tmp_path, capsys):
    files = {"a.csv": "id\nA1\n", "b.bin": b"\x00\x01"}
    assert write_or_check(files, tmp_path, "datasets/make_x.py", check=False) == 0
    assert (tmp_path / "a.csv").read_text() == "id\nA1\n" and (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert write_or_check(files, tmp_path, "datasets/make_x.py", check=True) == 0
    (tmp_path / "a.csv").write_text("id\nA2\n")
    (tmp_path / "b.bin").unlink()
    capsys.readouterr()
    assert write_or_check(files, tmp_path, "datasets/make_x.py", check=True) == 1
    err = capsys.readouterr().err
    assert "a.csv differs from what make_x.py produces" in err and "b.bin is missing" in err
    assert "Run `python datasets/make_x.py` to regenerate." in err


def test_a_folder_the_script_owns_may_hold_nothing_else(tmp_path, capsys):
    files = {"one.json": "{}"}
    write_or_check(files, tmp_path, "datasets/make_demo.py", check=False)
    (tmp_path / "stray.txt").write_text("left behind")
    assert write_or_check(files, tmp_path, "datasets/make_demo.py", check=True) == 0
    assert write_or_check(files, tmp_path, "datasets/make_demo.py", check=True, only_these=True) == 1
    assert "stray.txt is not made by make_demo.py" in capsys.readouterr().err
