"""The one place the course picks a device, and the version line at the top of every lesson."""

import torch

from rnn_lesson import environment_report, pick_device


def test_pick_device_prefers_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert pick_device() == torch.device("cpu")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert pick_device() == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert pick_device() == torch.device("cuda")


def test_environment_report_names_torch_and_the_device(monkeypatch):
    assert environment_report() == f"torch 2.13.0 | device: {pick_device()}"
    monkeypatch.setattr(torch, "__version__", "2.14.1+cpu")
    assert "(the course was written for torch 2.13.0; numbers may differ)" in environment_report()
