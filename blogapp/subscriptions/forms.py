"""What a reader fills in to follow the blog by email, or to stop."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

NOTHING_CHOSEN = "Choose new posts, union bulletins or both (or stop the email below)."


class SubscriptionForm(FlaskForm):
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


class StopForm(FlaskForm):
    submit = SubmitField("Stop the daily email")


class UnsubscribeForm(FlaskForm):
    submit = SubmitField("Unsubscribe")
