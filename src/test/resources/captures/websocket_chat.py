"""A WebSocket exchange with Debian's python3-websockets, for a capture: `server PORT` echoes; `client PORT MODE`
with MODE plain (no extension), deflate (permessage-deflate, context takeover) or deflate-fresh (no context
takeover either way) sends text (with the secret), a fragmented text message, binary, a ping, and closes with
code 4000."""
import asyncio
import sys

import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory


async def echo(ws, path=None):
    try:
        async for message in ws:
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass


async def serve(port, seconds):
    async with websockets.serve(echo, "127.0.0.1", port, compression="deflate"):
        await asyncio.sleep(seconds)


async def client(port, mode):
    options = {}
    if mode == "plain":
        options["compression"] = None
    elif mode == "deflate-fresh":
        options["compression"] = None
        options["extensions"] = [ClientPerMessageDeflateFactory(
            client_no_context_takeover=True, server_no_context_takeover=True)]
    async with websockets.connect("ws://127.0.0.1:%d/chat" % port, **options) as ws:
        for text in ("hello, the secret is fluffy tail", "hello, the secret is fluffy tail again"):
            await ws.send(text)
            print(await ws.recv())
        await ws.send(["fragmented ", "message ", "in three"])
        print(await ws.recv())
        await ws.send(bytes(range(40)))
        print(await ws.recv())
        await (await ws.ping(b"are you there"))
        await ws.close(4000, "bye for now")


if sys.argv[1] == "server":
    asyncio.run(serve(int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 10))
else:
    asyncio.run(client(int(sys.argv[2]), sys.argv[3]))
