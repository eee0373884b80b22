"""What the bot remembers: a shared SQL store, and the signatures this process has seen."""

from bot.store.replay import SeenKeys
from bot.store.sql import Feedback, QuestionRecord, QuizScore, SqlStore, StoreError, open_store, question_hash

__all__ = ["Feedback", "QuestionRecord", "QuizScore", "SeenKeys", "SqlStore", "StoreError", "open_store",
           "question_hash"]  # fmt: skip
