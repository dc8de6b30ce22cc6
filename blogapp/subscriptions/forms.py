"""What a reader fills in to follow the blog by email, or to stop."""

from wtforms import BooleanField, SubmitField

from ..forms import BlogForm

NOTHING_CHOSEN = "Choose new posts, union bulletins or both (or stop the email below)."


class SubscriptionForm(BlogForm):
    wants_posts = BooleanField("New posts")
    wants_bulletins = BooleanField("Union bulletins")
    submit = SubmitField("Save")

    def validate(self, extra_validators: dict | None = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.wants_posts.data or self.wants_bulletins.data):
            self.form_errors.append(NOTHING_CHOSEN)
            return False
        return True


class StopForm(BlogForm):
    submit = SubmitField("Stop the daily email")


class UnsubscribeForm(BlogForm):
    submit = SubmitField("Unsubscribe")
