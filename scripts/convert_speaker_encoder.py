"""Convert Resemblyzer's pretrained GE2E speaker encoder to the numpy weights roleplay ships.

Run once, by a maintainer, when the shipped weights must be rebuilt:
    python scripts/convert_speaker_encoder.py [--wheel Resemblyzer-0.1.4-py3-none-any.whl]
Without --wheel it runs `pip download resemblyzer==0.1.4 --no-deps` (PyPI only). The wheel's
`resemblyzer/pretrained.pt` is read without torch: it is torch's legacy format (a few pickles
followed by raw tensor storages), so a restricted unpickler that only knows the handful of names
a state dict uses rebuilds each tensor as a numpy array. Nothing in the file is executed.
Writes src/roleplay/adapters/speaker_model/ge2e.npz (float16) and its licence files.
"""

from __future__ import annotations

import argparse
import collections
import pickle
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "roleplay" / "adapters" / "speaker_model"
VERSION = "0.1.4"
STORAGES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
}


class _Storage:
    def __init__(self, dtype: type, numel: int) -> None:
        self.dtype, self.numel = dtype, numel
        self.data: np.ndarray | None = None


class _Tensor:
    def __init__(
        self, storage: _Storage, offset: int, size: tuple[int, ...], stride: tuple[int, ...]
    ):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def array(self) -> np.ndarray:
        assert self.storage.data is not None
        item = self.storage.data.itemsize
        return np.lib.stride_tricks.as_strided(
            self.storage.data[self.offset :], self.size, [s * item for s in self.stride]
        ).copy()


def _refused(module: str, name: str) -> pickle.UnpicklingError:
    return pickle.UnpicklingError(
        f"refusing {module}.{name} in a weights file: a checkpoint holds tensors only, and "
        "this one asks for code; nothing in it was run (is it the file you meant to convert?)"
    )


def _rebuild_tensor_v2(storage: _Storage, offset: int, size: Any, stride: Any, *_: Any) -> _Tensor:
    return _Tensor(storage, offset, tuple(size), tuple(stride))


class _StateDictUnpickler(pickle.Unpickler):
    """Knows only what a state dict holds; any other global is refused, so nothing runs."""

    def __init__(self, file: Any, storages: dict[str, _Storage]) -> None:
        super().__init__(file)
        self.storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in STORAGES:
            return name
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        raise _refused(module, name)

    def persistent_load(self, pid: Any) -> _Storage:
        kind, storage_type, key, _location, numel, _view = pid
        if kind != "storage":
            raise pickle.UnpicklingError(f"unexpected persistent id {kind!r}")
        return self.storages.setdefault(key, _Storage(STORAGES[storage_type], numel))


class _Plain(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise _refused(module, name)


def read_legacy_pt(data: bytes) -> dict[str, np.ndarray]:
    """The model_state of a torch legacy-format checkpoint, as numpy arrays."""
    import io

    f = io.BytesIO(data)
    for _ in range(3):  # magic number, protocol version, system info
        _Plain(f).load()
    storages: dict[str, _Storage] = {}
    checkpoint = _StateDictUnpickler(f, storages).load()
    for key in _Plain(f).load():  # the storages follow, in this order, each after its length
        (numel,) = struct.unpack("<q", f.read(8))
        storage = storages[key]
        assert numel == storage.numel, (key, numel, storage.numel)
        size = numel * np.dtype(storage.dtype).itemsize
        storage.data = np.frombuffer(f.read(size), storage.dtype)
    state = checkpoint["model_state"]
    return {k: v.array() for k, v in state.items() if isinstance(v, _Tensor)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wheel", type=Path)
    args = parser.parse_args()
    wheel = args.wheel
    if wheel is None:
        tmp = Path(tempfile.mkdtemp())
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                f"resemblyzer=={VERSION}",
                "--no-deps",
                "-d",
                str(tmp),
            ],
            check=True,
        )
        wheel = next(tmp.glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        state = read_legacy_pt(z.read("resemblyzer/pretrained.pt"))
        licence = z.read(f"Resemblyzer-{VERSION}.dist-info/LICENSE")
    out: dict[str, np.ndarray] = {}
    for layer in range(3):
        out[f"w_ih{layer}"] = state[f"lstm.weight_ih_l{layer}"]
        out[f"w_hh{layer}"] = state[f"lstm.weight_hh_l{layer}"]
        out[f"b{layer}"] = state[f"lstm.bias_ih_l{layer}"] + state[f"lstm.bias_hh_l{layer}"]
    out["w_out"], out["b_out"] = state["linear.weight"], state["linear.bias"]
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / "ge2e.npz", **{k: v.astype(np.float16) for k, v in out.items()})
    (OUT / "LICENSE-resemblyzer").write_bytes(licence)
    print(f"wrote {OUT / 'ge2e.npz'} from {wheel.name}")


if __name__ == "__main__":
    main()
