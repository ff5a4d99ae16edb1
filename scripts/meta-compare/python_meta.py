"""What Python's email package reads from each message's header block (the reference side of
`npm run meta:compare`). Standard library only: policy=email.policy.default, the header parser
(bodies are never parsed). Reads file paths, one per line, on stdin; writes one JSON object per
line on stdout, in the same order: from (first field), to and cc (every field), subject, date (UTC,
ISO 8601, or null), message_id, plus `naive` when Python found no usable zone and `errors` naming
any field whose parse raised.
"""

import json
import sys
from datetime import timezone
from email import policy
from email.parser import BytesHeaderParser

PARSER = BytesHeaderParser(policy=policy.default)


def mailboxes(header):
    """Every mailbox of one address field, groups flattened, `<>` as the empty address."""
    out = []
    for address in header.addresses:
        spec = address.addr_spec
        out.append({"name": address.display_name, "address": "" if spec == "<>" else spec})
    return out


def iso_utc(header):
    when = header.datetime
    if when is None:
        return None, False
    naive = when.tzinfo is None
    if naive:
        when = when.replace(tzinfo=timezone.utc)
    when = when.astimezone(timezone.utc)
    text = "%04d-%02d-%02dT%02d:%02d:%02d.000Z" % (
        when.year, when.month, when.day, when.hour, when.minute, when.second)
    return text, naive


def read(path):
    with open(path, "rb") as handle:
        message = PARSER.parse(handle)
    result = {"file": path, "errors": []}

    def field(name, compute, empty):
        try:
            result[name] = compute()
        except Exception as error:  # a parser bug on hostile input is a finding, not a crash
            result[name] = empty
            result["errors"].append("%s: %s: %s" % (name, type(error).__name__, error))

    def first(name):
        value = message[name]
        return [] if value is None else mailboxes(value)

    def every(name):
        return [entry for value in (message.get_all(name) or []) for entry in mailboxes(value)]

    def date():
        value = message["date"]
        if value is None:
            return None
        text, naive = iso_utc(value)
        result["naive"] = naive
        return text

    field("from", lambda: first("from"), [])
    field("to", lambda: every("to"), [])
    field("cc", lambda: every("cc"), [])
    field("subject", lambda: None if message["subject"] is None else str(message["subject"]), None)
    field("date", date, None)
    field("message_id",
          lambda: None if message["message-id"] is None else str(message["message-id"]), None)
    return result


def main():
    for line in sys.stdin:
        path = line.rstrip("\n")
        if not path:
            continue
        try:
            result = read(path)
        except Exception as error:
            result = {"file": path, "fatal": "%s: %s" % (type(error).__name__, error)}
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
