"""Minimal protobuf definitions (Event, Summary, TensorProto, ..., ProjectorConfig).

The ``*_pb2.py`` modules are generated and committed; regenerate from the repository
root with ``python -m tbnb.events.proto.regenerate`` (needs grpcio-tools).
"""
