"""Regenerate the ``*_pb2`` modules with grpcio-tools' protoc.

The generated code's runtime-version check is removed so that the modules import with
any protobuf runtime the project supports (the descriptors themselves are plain).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
_CHECK = re.compile(r"_runtime_version\.ValidateProtobufRuntimeVersion\([^)]*\)\n", re.S)


def main() -> None:
    protos = [str(p.relative_to(ROOT)) for p in sorted(HERE.glob("*.proto"))]
    cmd = [sys.executable, "-m", "grpc_tools.protoc", "-I.", "--python_out=.", "--pyi_out=."]
    subprocess.run([*cmd, *protos], cwd=ROOT, check=True)
    for p in HERE.glob("*_pb2.py"):
        text = p.read_text()
        text = _CHECK.sub("", text)
        text = text.replace("from google.protobuf import runtime_version as _runtime_version\n", "")
        p.write_text(text)


if __name__ == "__main__":
    main()
