"""nnport's test models as PyTorch modules (imported by export.py).

Each builder takes a seeded torch.Generator and returns (module,
{input name: tensor}, [output names], dynamic_axes or None, opset,
allowed op types or None), and optionally a 7th item, extras: {"files":
{path under the model's folder: uint8 image (.png) or array (.npy)},
"entry": {more manifest fields}}. Weights are random except shapes10's,
which trains on synthetic data (trained.py); nothing is downloaded.
"""
import torch
import torchvision
from torch import nn


def randomize_norms(model, gen):
    """Give BatchNorm/LayerNorm distinct, non-trivial parameters.

    Untrained norms share identical constants that the exporter merges into
    Identity nodes (OpenCV rejects those), and they make poor references.
    """
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.weight.data = 0.5 + torch.rand(n, generator=gen)
            m.bias.data = 0.1 * torch.randn(n, generator=gen)
            m.running_mean.data = 0.1 * torch.randn(n, generator=gen)
            m.running_var.data = 0.5 + torch.rand(n, generator=gen)
        elif isinstance(m, nn.LayerNorm) and m.elementwise_affine:
            shape = m.weight.shape
            m.weight.data = 0.5 + torch.rand(shape, generator=gen)
            m.bias.data = 0.1 * torch.randn(shape, generator=gen)


# --- models -----------------------------------------------------------------
# Each builder returns (module, {input name: tensor}, [output names],
# dynamic_axes or None, opset, allowed ops or None).


def build_resnet18(gen):
    model = torchvision.models.resnet18(weights=None)
    randomize_norms(model, gen)
    x = torch.randn(1, 3, 224, 224, generator=gen)
    return model, {"input": x}, ["output"], None, 11, None


def build_mobilenet_v2(gen):
    model = torchvision.models.mobilenet_v2(weights=None)
    randomize_norms(model, gen)
    x = torch.randn(2, 3, 224, 224, generator=gen)
    dyn = {"input": {0: "batch"}, "output": {0: "batch"}}
    return model, {"input": x}, ["output"], dyn, 11, None


def build_transformer_layer(gen):
    model = nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128,
                                       dropout=0.1, batch_first=True)
    randomize_norms(model, gen)
    x = torch.randn(1, 16, 64, generator=gen)
    return model, {"src": x}, ["output"], None, 17, None


class TwoInTwoOut(nn.Module):
    """sum = relu(a @ b + 1), prod = (a @ b) * 2: MatMul, Add, Mul, Relu only.

    The constants are buffers, so they export as initializers rather than
    Constant nodes (a small reference interpreter knows only these four ops).
    """

    def __init__(self):
        super().__init__()
        self.register_buffer("one", torch.ones(1))
        self.register_buffer("two", torch.full((1,), 2.0))

    def forward(self, a, b):
        m = torch.matmul(a, b)
        return torch.relu(m + self.one), m * self.two


def build_two_in_two_out(gen):
    a = torch.randn(2, 8, generator=gen)
    b = torch.randn(8, 4, generator=gen)
    return (TwoInTwoOut(), {"a": a, "b": b}, ["sum", "prod"], None, 13,
            {"MatMul", "Add", "Mul", "Relu"})


class EmbedAndReduce(nn.Module):
    """int64 ids -> embeddings [1,10,16], plus their mean over the last axis."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(32, 16)

    def forward(self, ids):
        e = self.embed(ids)
        return e, e.mean(dim=-1)


def build_int64_input(gen):
    model = EmbedAndReduce()
    ids = torch.randint(0, 32, (1, 10), generator=gen, dtype=torch.int64)
    return model, {"ids": ids}, ["embeddings", "mean"], None, 13, None


def build_tiny_mlp(gen):
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 8))
    x = torch.randn(1, 16, generator=gen)
    return model, {"input": x}, ["output"], None, 13, {"MatMul", "Add", "Relu", "Gemm"}


def build_squeezenet1_1(gen):
    model = torchvision.models.squeezenet1_1(weights=None)
    x = torch.randn(1, 3, 224, 224, generator=gen)
    return model, {"input": x}, ["output"], None, 11, None


def build_efficientnet_b0(gen):
    model = torchvision.models.efficientnet_b0(weights=None)
    randomize_norms(model, gen)
    x = torch.randn(1, 3, 224, 224, generator=gen)
    dyn = {"input": {0: "batch"}, "output": {0: "batch"}}
    return model, {"input": x}, ["output"], dyn, 11, None


def build_shapes10(gen):
    """A CNN trained on synthetic shapes (trained.py), for int8 accuracy checks."""
    import numpy as np
    import trained
    data = trained.make_data(int(torch.randint(2**31, (1,), generator=gen)))
    model = trained.Shapes10()
    # One thread: on a shared 2-core machine two threads of small ops spend
    # most of their time waiting for each other, and the weights then do not
    # depend on the machine's core count.
    threads, determ = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        trained.train(model, *data["train"], gen)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(determ)
    calib = trained.normalize(data["calib"][0])
    test_images, test_labels = data["test"]
    files = {f"calib/input/{i}.npy": calib[i:i + 1] for i in range(len(calib))}
    files.update({f"calib_images/{i:04d}.png": data["calib"][0][i]
                  for i in range(trained.N_CALIB_IMAGES)})
    files["test/input.npy"] = trained.normalize(test_images)
    files["test/labels.npy"] = test_labels
    entry = {
        "fp32_accuracy": trained.accuracy(model, test_images, test_labels),
        "normalization": {"mean": list(trained.MEAN), "std": list(trained.STD), "rgb": True},
        "image_size": [trained.SIZE, trained.SIZE],
        "classes": trained.CLASSES,
        "calib": "calib", "calib_images": "calib_images",
        "test": {"input": "test/input.npy", "labels": "test/labels.npy"},
    }
    x = torch.from_numpy(np.ascontiguousarray(files["test/input.npy"][:8]))
    dyn = {"input": {0: "batch"}, "output": {0: "batch"}}
    ops = {"Conv", "Relu", "MaxPool", "Add", "AveragePool", "Concat",
           "GlobalAveragePool", "Flatten", "Gemm"}
    return model, {"input": x}, ["output"], dyn, 13, ops, {"files": files, "entry": entry}


MODELS = {
    "resnet18": build_resnet18,
    "mobilenet_v2": build_mobilenet_v2,
    "transformer_layer": build_transformer_layer,
    "two_in_two_out": build_two_in_two_out,
    "int64_input": build_int64_input,
    "tiny_mlp": build_tiny_mlp,
    "squeezenet1_1": build_squeezenet1_1,
    "efficientnet_b0": build_efficientnet_b0,
    "shapes10": build_shapes10,
}
