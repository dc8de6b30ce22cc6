"""The copies of shared fragments a worker keeps, bounded and least recently used first out."""

from blogapp.caching.fragments import WorkerCopies


def test_a_kept_copy_is_found_by_its_key():
    copies = WorkerCopies(kept=2)
    copies.keep("thread:1:generation-a", "<ol>…</ol>")

    assert copies.get("thread:1:generation-a") == "<ol>…</ol>"
    assert copies.get("thread:1:generation-b") is None


def test_the_least_recently_used_copy_goes_first():
    copies = WorkerCopies(kept=2)
    copies.keep("sidebar:a", "sidebar")
    copies.keep("thread:1:a", "first thread")
    copies.get("sidebar:a")

    copies.keep("thread:2:a", "second thread")

    assert copies.get("thread:1:a") is None
    assert copies.get("sidebar:a") == "sidebar"
    assert copies.get("thread:2:a") == "second thread"


def test_a_copy_kept_again_counts_as_recently_used():
    copies = WorkerCopies(kept=2)
    copies.keep("sidebar:a", "sidebar")
    copies.keep("thread:1:a", "first thread")
    copies.keep("sidebar:a", "sidebar again")

    copies.keep("thread:2:a", "second thread")

    assert copies.get("thread:1:a") is None
    assert copies.get("sidebar:a") == "sidebar again"
