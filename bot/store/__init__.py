"""What the bot remembers: records in a shared SQL store (bot.store.sql, imported only where a database
is opened, as SQLAlchemy is slow to import), and the signatures this process has seen."""

from bot.store.records import Feedback, QuestionRecord, QuizScore, StoreError, StoreUnavailable, question_hash, utc_now
from bot.store.replay import SeenKeys

__all__ = [
    "Feedback",
    "QuestionRecord",
    "QuizScore",
    "SeenKeys",
    "StoreError",
    "StoreUnavailable",
    "question_hash",
    "utc_now",
]
