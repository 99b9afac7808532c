"""What the CPU-vendor test runs, natively and as another vendor's CPU under qemu-user: a few steps of a
training (on rnnlab.gemm's products, as the stages train), a small Word2Vec and both least-squares fits, each
printed as the sha256 of its bytes (one JSON line). Run in a project folder: its params.yaml's compute.pins are
set before torch, numpy or gensim loads."""

import hashlib
import json
import sys

from rnnlab.cpu import pin

pin()

import torch  # noqa: E402  after pin(): torch, numpy and scipy read the pins as they load
from gensim.models import Word2Vec  # noqa: E402

from rnnlab import gemm  # noqa: E402
from rnnlab.forecast.base import fit_linear  # noqa: E402
from rnnlab.long_horizon.baselines import Linear  # noqa: E402
from rnnlab.nn import GRU, LSTM  # noqa: E402
from rnnlab.training.optimizer import RowSparseAdamW, clip_gradients  # noqa: E402


def digest(*tensors: torch.Tensor) -> str:
    hashed = hashlib.sha256()
    for tensor in tensors:
        hashed.update(tensor.detach().contiguous().numpy().tobytes())
    return hashed.hexdigest()


def training(cell: type, steps: int = 2) -> str:
    """A recurrent layer and a linear head, trained as the stages train: clipped, fused AdamW."""
    torch.manual_seed(0)
    network, head = cell(100, 128, batch_first=True), torch.nn.Linear(128, 10)
    parameters = [*network.parameters(), *head.parameters()]
    optimizer = RowSparseAdamW(parameters, lr=2e-3, weight_decay=0.01, fused=True)
    data = torch.Generator().manual_seed(1)
    for _ in range(steps):
        inputs = torch.randn(16, 20, 100, generator=data)
        labels = torch.randint(0, 10, (16,), generator=data)
        outputs, _ = network(inputs)
        loss = torch.nn.functional.cross_entropy(head(outputs.amax(1)), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        clip_gradients(parameters, 1.0)
        optimizer.step()
    return digest(*parameters)


def word2vec() -> str:
    """CBOW with negative sampling, as the word2vec stage trains it, on a made-up corpus of 300 sentences."""
    data = torch.Generator().manual_seed(2)
    sentences = [[f"w{i}" for i in torch.randint(0, 200, (12,), generator=data).tolist()] for _ in range(300)]
    model = Word2Vec(sentences, vector_size=32, window=5, min_count=1, sg=0, negative=5, workers=1, seed=0, epochs=3)
    return hashlib.sha256(model.wv.vectors.tobytes()).hexdigest()


def least_squares() -> dict[str, str]:
    data = torch.Generator().manual_seed(3)
    history, true = torch.randn(200, 720, generator=data).cumsum(1), torch.randn(200, 288, generator=data)
    series = torch.randn(2000, 3, generator=data).cumsum(0)
    return {
        "linear_base": digest(fit_linear(history, true)),
        "benchmark_linear": digest(Linear.fit(series, 96, 48).weights),
    }


if __name__ == "__main__":
    torch.set_num_threads(int(sys.argv[1]))
    gemm.install()  # as every numerical stage does
    results = {"gru": training(GRU), "lstm": training(LSTM), "word2vec": word2vec(), **least_squares()}
    print(json.dumps(results, sort_keys=True))
