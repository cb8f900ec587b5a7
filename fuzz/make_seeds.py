#!/usr/bin/env python3
"""Writes the seed corpus fuzz/seeds/<target>/ from spec- and WPT-like streams.

Each seed is framed as the targets read it (tests/common/checks.rs, Case::from_fuzz):
one byte giving the number of chunk sizes (mod 8), the sizes, then for every target but
`reference` two bytes choosing the line and event limits (255 = unlimited), then the stream.
The encoder targets (`roundtrip`, `encode_slice`) read their input through
`arbitrary::Unstructured` (the library's `arbitrary` feature): their seeds are the streams
above as raw bytes plus byte strings rich in line breaks, NUL, non-ASCII and invalid UTF-8,
which the generators turn into events, comments, chunkings and buffer sizes.
Run from anywhere: python3 fuzz/make_seeds.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
BOM = b"\xef\xbb\xbf"

STREAMS = {
    "basic": b"data: hello\n\n",
    "bom": BOM + b"data: 1\n\n",
    "bom_twice": BOM + BOM + b"data: 1\n\ndata: 2\n\n",
    "bom_then_newline": BOM + b"\ndata: after bom\n\n",
    "bom_cr": BOM + b"\r\rdata: x\r\r",
    "crlf": b"event: a\r\ndata: x\r\n\r\n",
    "cr_only": b"data: a\rdata: b\r\r",
    "mixed_ends": b"data: 1\r\ndata: 2\rdata: 3\n\r\n:c\r\rdata:4\n\n",
    "cr_lf_split": b"data: x\r\n\r\ndata: y\r\r\n\n",
    "comments": b": keep-alive\n:\n:: two\ndata: x\n: inside\n\n",
    "id_nul": b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\nid\ndata: c\n\n",
    "id_only": b"id: 7\n\ndata: x\n\nid: \n\ndata: y\n\n",
    "retry_forms": b"retry: 1000\nretry:2000\nretry: 1e3\nretry: +5\nretry:  5\nretry\n"
    b"retry: 18446744073709551616\nretry: 007\ndata: x\n\n",
    "multiline": b"data: one\ndata: two\ndata\ndata:\ndata:  three\n\n",
    "empty_data": b"data\n\ndata:\n\n\n\ndata\ndata\n\n",
    "event_types": b"event: add\ndata: 1\n\nevent:\ndata: 2\n\nevent: message\ndata: 3\n\nevent: x\n\ndata: 4\n\n",
    "unknown_fields": b"foo: bar\ndata : no\nDATA: no\ndata:yes\n data: no\n\n",
    "unterminated": b"data: done\n\ndata: never dispatched",
    "unterminated_cr": b"data: a\n\ndata: b\n\r",
    "invalid_utf8": b"data: \xff\xfe\xc3\x28\xe2\x82\n\nevent: \xed\xa0\x80\ndata: \xf0\x9f\x98\n\n",
    "utf8": "data: héllo 😀\nid: ünï\n\n".encode(),
    "nul_data": b"data: a\x00b\n\n",
    "colon_value": b"data:a:b: c\ndata::\n\n",
    "llm": b"".join(b"id: %d\ndata: {\"token\":\"t%d\"}\n\n" % (i, i) for i in range(8)),
    "blank_runs": b"\n\n\r\n\r\r\ndata: x\n\n\n\n",
    "long_line": b"data: " + b"x" * 200 + b"\n\n" + b"data: ok\n\n",
    "long_event": b"".join(b"data: %d\n" % i for i in range(40)) + b"\n" + b"data: ok\n\n",
}

# (sizes, line limit, event limit): one-shot, byte by byte, awkward sizes, small limits.
FRAMES = [
    ([], 255, 255),
    ([1], 255, 255),
    ([3, 1, 7], 255, 255),
    ([2, 0, 5], 16, 32),
    ([4], 8, 12),
    ([1], 0, 1),
]

TARGETS = {"chunked": True, "tiers": True, "limits": True, "reference": False}

# Raw material for the encoder targets' generators.
ENCODER_INPUTS = {
    "breaks": b"\x05\x03\x01\x07a\rb\nc\r\nd\n\n\r\r\ne\x00f" * 3,
    "unicode": "\x07\x02h\u00e9llo \U0001F600 \ufeff \u20ac\r\n".encode() * 4,
    "invalid": b"\x09\x11\xff\xfe\xc3\x28\xe2\x82\xed\xa0\x80\r\n\xf0\x9f\x98" * 4,
    "long": bytes(range(256)) * 2,
    "zeros": b"\x00" * 64,
    "ones": b"\xff" * 64,
    "json": b"\x02\x10" + b"".join(b"{\"token\":\"t%d\"}\n" % i for i in range(10)),
}
ENCODER_TARGETS = ["roundtrip", "encode_slice"]


def main():
    for target, with_limits in TARGETS.items():
        out = os.path.join(HERE, "seeds", target)
        os.makedirs(out, exist_ok=True)
        for name, stream in STREAMS.items():
            for i, (sizes, line, event) in enumerate(FRAMES):
                if not with_limits and (line, event) != (255, 255):
                    continue
                head = bytes([len(sizes)] + sizes)
                if with_limits:
                    head += bytes([line, event])
                with open(os.path.join(out, f"{name}-{i}"), "wb") as f:
                    f.write(head + stream)
    for target in ENCODER_TARGETS:
        out = os.path.join(HERE, "seeds", target)
        os.makedirs(out, exist_ok=True)
        for name, raw in list(STREAMS.items()) + list(ENCODER_INPUTS.items()):
            with open(os.path.join(out, name), "wb") as f:
                f.write(raw)


if __name__ == "__main__":
    main()
