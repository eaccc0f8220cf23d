"""A logging filter that keeps what visitors send from taking over the terminal."""

# --8<-- [start:escape]
import logging

# C0 controls (ESC starts the sequences that recolour, retitle or clear a
# terminal; CR and LF start a line of the visitor's choosing), DEL, C1 controls
# (U+009B is ESC [ for some terminals), the line and paragraph separators, and
# the invisible marks that reverse the order in which text is displayed.
CONTROL_CHARACTERS = [
    *range(0x00, 0x20),
    *range(0x7F, 0xA0),
    0x061C,
    0x200E,
    0x200F,
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]
SHORT_ESCAPES = {ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"}
ESCAPES = {
    code: SHORT_ESCAPES.get(
        code, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    )
    for code in CONTROL_CHARACTERS
}
# A traceback is several lines by nature: its line breaks stay.
ESCAPES_IN_TRACEBACKS = {code: text for code, text in ESCAPES.items() if text != "\\n"}


class EscapeControlCharacters(logging.Filter):
    """Writes the control characters of a record as escapes: ESC as \\x1b, a
    line break as \\n. Give it to every handler that writes to a terminal.

    The message is formatted first (record.getMessage()), so the arguments of
    the log call, where a request's data usually goes, are escaped too. The
    record is changed in place: escaping twice changes nothing more.
    """

    def filter(self, record):
        record.msg = record.getMessage().translate(ESCAPES)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = record.exc_text.translate(ESCAPES_IN_TRACEBACKS)
        if record.stack_info:
            record.stack_info = record.stack_info.translate(ESCAPES_IN_TRACEBACKS)
        return True


# --8<-- [end:escape]
