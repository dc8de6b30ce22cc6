"""What a reader fills in to follow the blog by email, or to stop."""

from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from ..forms import BlogForm
from ..models.subscriptions import MONDAY, WEEKDAY_NAMES, ConversationRhythm, Rhythm

NOTHING_CHOSEN = (
    "Choose new posts, union bulletins or both: every day, once a week or never, and how "
    "the conversation comes (or stop the email below)."
)
RHYTHM_CHOICES = [
    SelectChoice(Rhythm.DAILY.value, "Every day"),
    SelectChoice(Rhythm.WEEKLY.value, "Once a week"),
    SelectChoice(Rhythm.NEVER.value, "Never"),
]
CONVERSATION_CHOICES = [
    SelectChoice(
        ConversationRhythm.AT_ONCE.value,
        "At once (replies as they come, followed threads at most hourly)",
    ),
    SelectChoice(ConversationRhythm.DIGEST.value, "In my email, with the rest"),
    SelectChoice(ConversationRhythm.NEVER.value, "Never"),
]
CONVERSATION_HINT = (
    "Replies to your comments (if you ask for them on your account page) and new comments "
    "in the threads you follow. In your email they come with your posts and bulletins, or "
    "on their own on a day when there is conversation but nothing else for you."
)
WEEKDAY_CHOICES = [SelectChoice(str(number), name) for number, name in enumerate(WEEKDAY_NAMES)]


class SubscriptionForm(BlogForm):
    posts = SelectField("New posts", choices=RHYTHM_CHOICES, default=Rhythm.DAILY.value)
    bulletins = SelectField("Union bulletins", choices=RHYTHM_CHOICES, default=Rhythm.DAILY.value)
    weekly_day = SelectField("Weekly email on", choices=WEEKDAY_CHOICES, default=str(MONDAY))
    conversation = SelectField(
        "Conversation", choices=CONVERSATION_CHOICES, default=ConversationRhythm.AT_ONCE.value
    )
    submit = SubmitField("Save")

    def validate(self, extra_validators: dict | None = None) -> bool:
        if super().validate(extra_validators):
            return True
        if self.posts.errors or self.bulletins.errors or self.conversation.errors:
            self.form_errors.append(NOTHING_CHOSEN)
        return False

    @property
    def rhythms(self) -> tuple[Rhythm, Rhythm, int, ConversationRhythm]:
        """Posts' rhythm, bulletins' rhythm, the weekly day and the conversation's rhythm, as
        the form chose them."""
        return (
            Rhythm(self.posts.data),
            Rhythm(self.bulletins.data),
            int(self.weekly_day.data),
            ConversationRhythm(self.conversation.data),
        )


class StopForm(BlogForm):
    submit = SubmitField("Stop the daily email")


class UnsubscribeForm(BlogForm):
    submit = SubmitField("Unsubscribe")
