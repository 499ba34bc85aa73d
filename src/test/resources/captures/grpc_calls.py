"""gRPC over h2c with Debian's python3-grpcio, for a capture: `server PORT` serves helloworld.Greeter (SayHello,
ListFeatures streaming three replies, Login refusing with UNAUTHENTICATED); `client PORT` calls each once, with an
authorization token in the metadata. Messages are protobuf bytes written by hand (no generated code)."""
import sys
import time
from concurrent import futures

import grpc


def field(number, text):
    data = text.encode()
    return bytes([number << 3 | 2, len(data)]) + data


def say_hello(request, context):
    return field(1, "Hello " + request[2:].decode() + ", the secret is fluffy tail")


def list_features(request, context):
    for name in ("first feature", "second feature", "third feature"):
        yield field(1, name)


def login(request, context):
    context.abort(grpc.StatusCode.UNAUTHENTICATED, "bad password for alice")


mode, port = sys.argv[1], int(sys.argv[2])
if mode == "server":
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("helloworld.Greeter", {
        "SayHello": grpc.unary_unary_rpc_method_handler(say_hello),
        "ListFeatures": grpc.unary_stream_rpc_method_handler(list_features),
        "Login": grpc.unary_unary_rpc_method_handler(login),
    }),))
    server.add_insecure_port("127.0.0.1:%d" % port)
    server.start()
    time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 10)
    server.stop(0)
else:
    with grpc.insecure_channel("127.0.0.1:%d" % port) as channel:
        token = [("authorization", "Bearer tok_grpc_5ecret")]
        print(channel.unary_unary("/helloworld.Greeter/SayHello")(field(1, "world"), metadata=token))
        for reply in channel.unary_stream("/helloworld.Greeter/ListFeatures")(field(1, "all")):
            print(reply)
        try:
            channel.unary_unary("/helloworld.Greeter/Login")(field(1, "alice") + field(2, "wonderland"))
        except grpc.RpcError as e:
            print(e.code(), e.details())
