"""A third-party SSE server for sse-wire-http/tests/starlette_peer.rs: sse-starlette's
EventSourceResponse on uvicorn, with its own ping comments.

  GET  /ticks  `tick` events with ids, resumed from Last-Event-ID; the stream ends after
               TICKS_PER_STREAM ticks (the client reconnects); TICK_GAP seconds between ticks,
               longer than the client's idle timeout, with a ping every PING seconds between.
  POST /llm    OpenAI-style chunks, one per word of the JSON body's "prompt" (or of its last
               OpenAI-style message), then [DONE]; with ?cut=1 the stream ends before [DONE].

Prints "PORT <n>" once listening on 127.0.0.1 (an OS-chosen port).
"""

import asyncio
import json
import socket
import sys

import uvicorn
from sse_starlette.sse import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.routing import Route

TICKS_PER_STREAM = 3
TICK_GAP = 0.6
PING = 0.1


async def ticks(request):
    last = request.headers.get("last-event-id", "0")
    start = int(last) if last.isdigit() else 0

    async def stream():
        yield ServerSentEvent(retry=20, comment="resuming after %d" % start)
        for n in range(start + 1, start + 1 + TICKS_PER_STREAM):
            await asyncio.sleep(TICK_GAP)
            # Every third tick has two data lines.
            data = "tick %d" % n if n % 3 else "tick %d\nsecond line" % n
            yield ServerSentEvent(data=data, id=str(n), event="tick")

    return EventSourceResponse(stream(), ping=PING)


async def llm(request):
    body = await request.json()
    prompt = body["messages"][-1]["content"] if "messages" in body else body["prompt"]
    words = prompt.split(" ")
    cut = request.query_params.get("cut") == "1"

    async def stream():
        for i, word in enumerate(words):
            token = word if i == 0 else " " + word
            chunk = {"choices": [{"delta": {"content": token}}]}
            yield {"data": json.dumps(chunk)}
            await asyncio.sleep(0.01)
        if not cut:
            yield {"data": "[DONE]"}

    return EventSourceResponse(stream(), ping=PING)


app = Starlette(routes=[Route("/ticks", ticks), Route("/llm", llm, methods=["POST"])])

if __name__ == "__main__":
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    print("PORT %d" % sock.getsockname()[1], flush=True)
    config = uvicorn.Config(app, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])
    sys.exit(0)
