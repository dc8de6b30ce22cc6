"""An editor moves the blog from Blogger in Chromium, then a reader follows an old link."""

import pytest

pytestmark = pytest.mark.browser


def test_editor_imports_an_export_and_an_old_comment_link_still_works(
    page, editor, shared_fixtures, tmp_path
):
    page.goto("/auth/login?next=/admin/import")
    page.get_by_label("Email address").fill(editor.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()

    page.get_by_label("Blogger export").set_input_files(
        str(shared_fixtures / "blogger" / "omnishambles-classic.xml")
    )
    page.get_by_role("button", name="Import").click()

    summary = page.get_by_role("status")
    assert "Comments: 26" in summary.inner_text()
    assert "Replies among them: 6" in summary.inner_text()
    page.screenshot(path=str(tmp_path / "import.png"), full_page=True)

    page.goto("/2014/06/omnishambles-update-52.html?showComment=1403229660000")
    assert "/2014/06/omnishambles-update-52#c" in page.url
    comment = page.locator("#" + page.url.split("#", 1)[1])
    assert "Jim Brown" in comment.inner_text()
    assert page.locator("h1").inner_text() == "Omnishambles Update 52"
