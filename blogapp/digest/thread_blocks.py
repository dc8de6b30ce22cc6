"""Each reader's conversation section, put together from the run's threads.

Many readers follow the same threads and get the same new comments in them; only the mute
link differs. So each thread is rendered (Jinja, CSS inlined) once, with a slot for the mute
link, and a reader's section is their threads' blocks with their own links filled in.
"""

import secrets
from dataclasses import dataclass, field

from ..following.tokens import mute_token
from ..mail import render_email_piece
from ..mail.mime import fits_smtp_lines
from ..urls import external_url
from .conversation import Conversation, ConversationThread


@dataclass(frozen=True)
class Section:
    """A part of an edition in both its forms: plain text and HTML."""

    text: str
    html: str
    #: Whether every line can travel as 8-bit text (see ``blogapp.mail.mime``).
    fits: bool = True


def new_mute_slot() -> str:
    """A stand-in for a reader's mute token; random, so no content contains it."""
    return f"mute-{secrets.token_hex(12)}"


@dataclass
class ThreadBlocks:
    """The threads of one run's conversations, each rendered on first use."""

    mute_slot: str = field(default_factory=new_mute_slot)
    rendered: dict[ConversationThread, Section] = field(default_factory=dict)

    def block(self, thread: ConversationThread) -> Section:
        if thread not in self.rendered:
            mute_url = external_url("following.mute_page", token=self.mute_slot)
            text, html = render_email_piece("_conversation", "thread_block", thread, mute_url)
            self.rendered[thread] = Section(text, html, fits_smtp_lines(text + html))
        return self.rendered[thread]

    def section(self, reader_id: int, conversation: Conversation) -> Section:
        """The reader's conversation: each thread's block with their link to mute it."""
        texts, htmls, fits = [], [], True
        for thread in conversation:
            block = self.block(thread)
            token = mute_token(reader_id, thread.post_id)
            texts.append(block.text.replace(self.mute_slot, token))
            htmls.append(block.html.replace(self.mute_slot, token))
            fits = fits and block.fits
        return Section("".join(texts), "".join(htmls), fits)
