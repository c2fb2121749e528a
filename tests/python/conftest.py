# SPDX-License-Identifier: BSD-3-Clause
"""pytest set-up: the in-tree client, the built binaries, an output dir.

meson test runs these with TICKWIRE (the binary), TW_SRC and TW_OUT set;
run by hand: TICKWIRE=build/app/tickwire/tickwire python3 -m pytest
tests/python.
"""
import os
import sys

import pytest

SRC = os.environ.get("TW_SRC", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(SRC, "python"))


@pytest.fixture
def tw_bin():
    path = os.environ.get("TICKWIRE",
                          os.path.join(SRC, "build", "app", "tickwire",
                                       "tickwire"))
    assert os.access(path, os.X_OK), "no tickwire binary at " + path
    return path


@pytest.fixture
def out_dir(tmp_path):
    return str(tmp_path)


@pytest.fixture
def src_dir():
    return os.path.abspath(SRC)
