"""Reads OUR server with httpx-sse, the way its users do: one connection at a time, and a
reconnect with the last ID it saw (httpx-sse does not reconnect by itself). Prints one JSON
line per connection and per server-sent event it yields; stops after COUNT events that carry
data or a type (httpx-sse also yields a `retry`-only block, as an event with empty data).

usage: python3 httpx_sse_reader.py URL COUNT
"""
import json
import sys

import httpx
from httpx_sse import connect_sse

url, count = sys.argv[1], int(sys.argv[2])
seen, last_id = 0, None
with httpx.Client(timeout=30) as client:
    for _attempt in range(50):
        headers = {"Last-Event-ID": last_id} if last_id else {}
        with connect_sse(client, "GET", url, headers=headers) as source:
            content_type = source.response.headers["content-type"]
            print(json.dumps({"open": True, "content_type": content_type}), flush=True)
            for sse in source.iter_sse():
                print(json.dumps({"type": sse.event, "data": sse.data, "id": sse.id,
                                  "retry": sse.retry}), flush=True)
                if sse.id:
                    last_id = sse.id
                if sse.retry is None:
                    seen += 1
                if seen == count:
                    sys.exit(0)
sys.exit(f"read {seen} of {count} events in 50 connections")
