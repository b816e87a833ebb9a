"""Regenerate the committed sample PDF: ``.venv/bin/python -m pipelines.sample [out.pdf]``."""
import sys

from .render import DEFAULT_OUTPUT, render_sample


def main(argv: list[str]) -> None:
    out = argv[0] if argv else DEFAULT_OUTPUT
    info = render_sample(out)
    print(info.path)


if __name__ == "__main__":
    main(sys.argv[1:])
