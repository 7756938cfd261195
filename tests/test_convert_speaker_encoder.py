"""scripts/convert_speaker_encoder.py reads torch's legacy checkpoint format without torch.

The files here are written the way `torch.save(..., _use_new_zipfile_serialization=False)` lays
them out: three small pickles (magic number, protocol version, system info), the pickled object
whose tensors point at storages by persistent id, the pickled list of storage keys, then each
storage as its element count (little-endian int64) and its raw bytes. The pickles name
`torch.FloatStorage` and `torch._utils._rebuild_tensor_v2` as globals, as torch's do; a stand-in
`torch` module lets the standard pickler write those names (torch is not installed here)."""

from __future__ import annotations

import collections
import importlib.util
import io
import os
import pickle
import struct
import sys
import types
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "convert_speaker_encoder.py"
MAGIC_NUMBER = 0x1950A86A20F9469CFC6C  # torch/serialization.py
PROTOCOL_VERSION = 1001


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location("convert_speaker_encoder", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


convert = _load_script()


class _Storage:
    """One storage: what a tensor's persistent id points at."""

    def __init__(self, key: str, data: np.ndarray, kind: str) -> None:
        self.key, self.data, self.kind = key, data, kind


class _Tensor:
    """Pickles as torch's tensors do: `_rebuild_tensor_v2(storage, offset, size, stride, ...)`."""

    def __init__(
        self, storage: _Storage, offset: int, size: tuple[int, ...], stride: tuple[int, ...]
    ):
        self.args = (storage, offset, size, stride)

    def __reduce__(self) -> Any:
        rebuild = sys.modules["torch._utils"]._rebuild_tensor_v2
        return rebuild, (*self.args, False, collections.OrderedDict())


@pytest.fixture
def fake_torch(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """Modules named as torch's, so pickle writes `torch FloatStorage` and
    `torch._utils _rebuild_tensor_v2` (the names pickle checks must be importable)."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args: Any) -> None:  # never called: only its name is written
        raise AssertionError("the reader must not call torch")

    _rebuild_tensor_v2.__module__, _rebuild_tensor_v2.__qualname__ = (
        utils.__name__,
        "_rebuild_tensor_v2",
    )
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2  # type: ignore[attr-defined]
    for kind in ("FloatStorage", "LongStorage", "HalfStorage"):
        setattr(torch, kind, type(kind, (), {"__module__": "torch"}))
    torch._utils = utils  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)
    return torch


def legacy_pt(obj: Any, storages: list[_Storage]) -> bytes:
    """`obj` saved in torch's legacy format."""
    torch = sys.modules["torch"]
    f = io.BytesIO()
    pickle.dump(MAGIC_NUMBER, f, protocol=2)
    pickle.dump(PROTOCOL_VERSION, f, protocol=2)
    sys_info = {"protocol_version": PROTOCOL_VERSION, "little_endian": True,
                "type_sizes": {"short": 2, "int": 4, "long": 4}}  # fmt: skip
    pickle.dump(sys_info, f, protocol=2)

    class Pickler(pickle.Pickler):
        def persistent_id(self, o: Any) -> Any:
            if isinstance(o, _Storage):
                return ("storage", getattr(torch, o.kind), o.key, "cpu", o.data.size, None)
            return None

    Pickler(f, protocol=2).dump(obj)
    pickle.dump([s.key for s in storages], f, protocol=2)
    for s in storages:
        f.write(struct.pack("<q", s.data.size))
        f.write(s.data.astype(s.data.dtype.newbyteorder("<")).tobytes())
    return f.getvalue()


def test_tensors_come_back_as_the_arrays_that_were_saved(fake_torch: Any) -> None:
    weights = np.arange(12, dtype=np.float32).reshape(3, 4) / 8
    shared = _Storage("0", weights.ravel(), "FloatStorage")
    counts = _Storage("1", np.array([7, -3, 2**40], dtype=np.int64), "LongStorage")
    half = _Storage("2", np.array([0.5, -1.25], dtype=np.float16), "HalfStorage")
    state = collections.OrderedDict(
        [
            ("layer.weight", _Tensor(shared, 0, (3, 4), (4, 1))),
            ("layer.weight_t", _Tensor(shared, 0, (4, 3), (1, 4))),  # a transposed view
            ("layer.row2", _Tensor(shared, 8, (4,), (1,))),  # an offset into the same storage
            ("steps", _Tensor(counts, 0, (3,), (1,))),
            ("gain", _Tensor(half, 0, (2,), (1,))),
            ("not_a_tensor", 3),
        ]
    )
    data = legacy_pt({"model_state": state, "step": 10}, [shared, counts, half])

    arrays = convert.read_legacy_pt(data)

    assert sorted(arrays) == ["gain", "layer.row2", "layer.weight", "layer.weight_t", "steps"]
    np.testing.assert_array_equal(arrays["layer.weight"], weights)
    np.testing.assert_array_equal(arrays["layer.weight_t"], weights.T)
    np.testing.assert_array_equal(arrays["layer.row2"], weights[2])
    np.testing.assert_array_equal(arrays["steps"], [7, -3, 2**40])
    np.testing.assert_array_equal(arrays["gain"], np.array([0.5, -1.25], dtype=np.float16))
    assert arrays["layer.weight"].dtype == np.float32 and arrays["steps"].dtype == np.int64
    assert arrays["gain"].dtype == np.float16


class _RunsACommand:
    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> Any:
        return os.system, (self.command,)


@pytest.mark.parametrize("where", ["checkpoint", "header"])
def test_a_pickle_that_asks_for_anything_else_is_refused_and_nothing_runs(
    fake_torch: Any, tmp_path: Path, where: str
) -> None:
    ran = tmp_path / "ran"
    evil = _RunsACommand(f"touch {ran}")
    w = _Storage("0", np.zeros(2, dtype=np.float32), "FloatStorage")
    if where == "checkpoint":
        data = legacy_pt({"model_state": {"w": _Tensor(w, 0, (2,), (1,)), "x": evil}}, [w])
    else:  # in the first pickle, before any tensor
        data = pickle.dumps(evil, protocol=2) + legacy_pt({"model_state": {}}, [])

    with pytest.raises(pickle.UnpicklingError) as refused:
        convert.read_legacy_pt(data)

    message = str(refused.value)
    assert f"refusing {os.system.__module__}.system in a weights file" in message
    assert "nothing in it was run" in message
    assert not ran.exists()


def test_the_conversion_writes_the_weights_roleplay_loads(
    fake_torch: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a wheel as Resemblyzer's is laid out to ge2e.npz: per layer the input and hidden
    weights, the two biases summed; the projection; all float16."""
    rng = np.random.default_rng(3)
    hidden, mel, size = 4, 3, 2
    shapes: dict[str, tuple[int, ...]] = {}
    for layer in range(3):
        shapes[f"lstm.weight_ih_l{layer}"] = (4 * hidden, mel if layer == 0 else hidden)
        shapes[f"lstm.weight_hh_l{layer}"] = (4 * hidden, hidden)
        shapes[f"lstm.bias_ih_l{layer}"] = (4 * hidden,)
        shapes[f"lstm.bias_hh_l{layer}"] = (4 * hidden,)
    shapes["linear.weight"], shapes["linear.bias"] = (size, hidden), (size,)
    saved = {k: rng.standard_normal(s).astype(np.float32) for k, s in shapes.items()}
    storages = [_Storage(str(i), a.ravel(), "FloatStorage") for i, a in enumerate(saved.values())]
    state = collections.OrderedDict(
        (k, _Tensor(st, 0, a.shape, tuple(x // 4 for x in a.strides)))
        for (k, a), st in zip(saved.items(), storages, strict=True)
    )
    wheel = tmp_path / f"Resemblyzer-{convert.VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("resemblyzer/pretrained.pt", legacy_pt({"model_state": state}, storages))
        z.writestr(f"Resemblyzer-{convert.VERSION}.dist-info/LICENSE", "Apache License 2.0\n")
    out = tmp_path / "speaker_model"
    monkeypatch.setattr(convert, "OUT", out)
    monkeypatch.setattr(sys, "argv", ["convert_speaker_encoder.py", "--wheel", str(wheel)])

    convert.main()

    with np.load(out / "ge2e.npz") as npz:
        got = dict(npz)
    assert sorted(got) == sorted(
        [f"{k}{n}" for n in range(3) for k in ("w_ih", "w_hh", "b")] + ["w_out", "b_out"]
    )
    assert all(a.dtype == np.float16 for a in got.values())
    f16 = np.float16
    for n in range(3):
        np.testing.assert_array_equal(got[f"w_ih{n}"], saved[f"lstm.weight_ih_l{n}"].astype(f16))
        np.testing.assert_array_equal(got[f"w_hh{n}"], saved[f"lstm.weight_hh_l{n}"].astype(f16))
        bias = saved[f"lstm.bias_ih_l{n}"] + saved[f"lstm.bias_hh_l{n}"]
        np.testing.assert_array_equal(got[f"b{n}"], bias.astype(f16))
    np.testing.assert_array_equal(got["w_out"], saved["linear.weight"].astype(f16))
    assert (out / "LICENSE-resemblyzer").read_text() == "Apache License 2.0\n"
