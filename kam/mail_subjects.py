"""E-mail subjects: one line, and shortened on a word boundary with an ellipsis rather than cut mid-word."""

from __future__ import annotations

# RFC 5322 recommends lines of at most 78 characters; mail clients show about that much of a subject.
SUBJECT_LIMIT = 78
TRAILING = " ,;:.-–—(/"


def subject_line(text: str, *, limit: int = SUBJECT_LIMIT) -> str:
    """The text on one line (a header cannot hold a line break), at most `limit` characters, whole words only."""
    line = " ".join(str(text).split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut:
        head = cut[: cut.rindex(" ")]
        # A single word longer than the room left (a pasted URL) is cut rather than dropped whole.
        cut = head if len(head) >= limit // 2 else cut
    return cut.rstrip(TRAILING) + "…"
