"""Workshop leftovers (issue #24), each reached as a person does on the sample: the folder
dialog where there is no Documents folder, the Move to group menu's group sizes, the road
approximation boxes as "Access by" changes, and the map a new user first sees."""
from __future__ import annotations

import pytest

from tests.gui_helpers import menu_action

pytestmark = pytest.mark.gui


def test_open_folder_starts_at_home_when_there_is_no_documents_folder(window, dialogs,
                                                                      tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    window.settings.remove("data/last_folder")
    assert window.dataset.is_sample and window.scenarios.path is None
    menu_action(window, "File", "Open data folder").trigger()
    assert dialogs.asked[-1][0] == "folder"
    assert dialogs.start_dirs[-1] == str(home)              # not a missing ~/Documents
    (home / "Documents").mkdir()
    menu_action(window, "File", "Open data folder").trigger()
    assert dialogs.start_dirs[-1] == str(home / "Documents")
