"""Whether an item's owner and category agree with its own AWS / You texts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.schema import Responsibility, Vocabulary


@dataclass(frozen=True)
class Labels:
    """The vocabulary's words for "nothing to do" and for an obligation, applied to an item's texts."""

    nothing: tuple[str, ...]
    obligations: re.Pattern[str] | None

    @classmethod
    def from_vocabulary(cls, vocabulary: Vocabulary | None) -> Labels:
        if vocabulary is None:
            return cls((), None)
        nothing = tuple(n.lower() for n in vocabulary.nothing_to_do)
        words = "|".join(re.escape(o.lower()) for o in vocabulary.obligations)
        return cls(nothing, re.compile(rf"\b(?:{words})\b") if words else None)

    def has_part(self, text: str | None) -> bool:
        """Something to do: "Nothing to patch." is not; "Nothing to switch on; pick a key if ..." is."""
        if not text:
            return False
        lowered = text.strip().lower()
        if not lowered.startswith(self.nothing):
            return True
        rest = re.split(r"[.;]\s+", lowered, maxsplit=1)
        return len(rest) > 1 and bool(rest[1].strip())

    def disagreements(self, item: Responsibility) -> list[tuple[str, str]]:
        """(field, message) for each way the labels contradict the texts."""
        found: list[tuple[str, str]] = []
        customer_part = self.has_part(item.customer)
        if item.owner == "Customer" and not customer_part:
            found.append(("customer", "owner is Customer but 'customer' gives you nothing to do"))
        if item.owner == "AWS":
            duty = self.obligations.search(item.customer.lower()) if self.obligations else None
            if duty:
                found.append(
                    ("customer", f"owner is AWS but 'customer' says you {duty.group(0)!r} act (owner Shared?)")
                )
            if item.category == "Customer-specific":
                found.append(("category", "owner is AWS but category is Customer-specific"))
        if item.owner == "Shared" or item.category == "Shared":
            label = "owner" if item.owner == "Shared" else "category"
            if not customer_part:
                found.append((label, f"{label} is Shared but 'customer' gives you nothing to do (Inherited?)"))
            if not self.has_part(item.aws):
                found.append((label, f"{label} is Shared but 'aws' gives AWS nothing to do"))
        return found
