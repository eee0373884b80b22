"""srm command line (work in progress)."""
import sys

from bot.knowledge.loader import KnowledgeError, load_knowledge


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["validate"]:
        try:
            k = load_knowledge(*argv[1:2])
        except KnowledgeError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"ok: {len(k.services)} services")
        return 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
