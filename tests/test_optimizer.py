"""The training step's row-sparse AdamW and gradient clipping against torch's dense AdamW and clip_grad_norm_."""

import torch
from torch.nn import functional as F

from rnnlab.training.optimizer import RowSparseAdamW, clip_gradients

ROWS, WIDTH, STEPS = 7, 3, 6


def table_and_optimizer(optimizer_class=RowSparseAdamW, **settings):
    weight = torch.nn.Parameter(torch.randn(ROWS, WIDTH, generator=torch.Generator().manual_seed(0)))
    return weight, optimizer_class([weight], lr=0.1, weight_decay=0.1, **settings)


def train(weight, optimizer, ids_per_step, sparse=True, seed=1):
    """Steps of a loss on the given lookups, gradients clipped; the targets drawn from ``seed``."""
    generator = torch.Generator().manual_seed(seed)
    for ids in ids_per_step:
        target = torch.randn(len(ids), WIDTH, generator=generator)
        optimizer.zero_grad(set_to_none=True)
        (F.embedding(torch.tensor(ids), weight, sparse=sparse) * target).sum().backward()
        clip_gradients([weight], 0.5)
        optimizer.step()
    return weight.detach()


def test_rows_used_every_step_follow_dense_adamw():
    # Repeated ids: the sparse gradient's duplicate rows must be summed, as the dense gradient sums them.
    steps = [[0, 1, 2, 3, 4, 5, 6, 1, 1, 4]] * STEPS
    ours = train(*table_and_optimizer(fused=True), steps, sparse=True)
    torchs = train(*table_and_optimizer(torch.optim.AdamW), steps, sparse=False)
    torch.testing.assert_close(ours, torchs, atol=1e-6, rtol=1e-6)


def test_unused_rows_keep_their_weights_and_moments():
    steps = [[0, 1, 2], [2, 3], [1, 1, 2]]
    weight, optimizer = table_and_optimizer(fused=True)
    before = weight.detach().clone()
    after = train(weight, optimizer, steps)
    used, unused = [0, 1, 2, 3], [4, 5, 6]
    assert torch.equal(after[unused], before[unused])
    assert (after[used] != before[used]).all()
    state = optimizer.state_dict()["state"][0]
    assert state["step"].item() == len(steps)
    assert state["exp_avg"][unused].eq(0).all() and state["exp_avg"][used].ne(0).any(dim=1).all()


def test_state_dict_continues_the_same_run():
    first, second = [[0, 1, 2], [2, 3]], [[1, 1, 2], [5, 0]]
    weight, optimizer = table_and_optimizer(fused=True)
    train(weight, optimizer, first)
    whole = train(weight, optimizer, second, seed=2).clone()
    weight, optimizer = table_and_optimizer(fused=True)
    train(weight, optimizer, first)
    resumed_weight = torch.nn.Parameter(weight.detach().clone())
    resumed = RowSparseAdamW([resumed_weight], lr=0.1, weight_decay=0.1, fused=True)
    resumed.load_state_dict(optimizer.state_dict())
    assert torch.equal(train(resumed_weight, resumed, second, seed=2), whole)


def test_clipping_matches_torch_over_dense_and_sparse_gradients():
    generator = torch.Generator().manual_seed(1)
    table = torch.randn(ROWS, WIDTH, generator=generator)
    dense = torch.randn(5, generator=generator)
    ids = torch.tensor([1, 1, 3, 6])
    target = torch.randn(len(ids), WIDTH, generator=generator)
    clipped = {}
    for sparse in (True, False):
        weight, bias = torch.nn.Parameter(table.clone()), torch.nn.Parameter(dense.clone())
        ((F.embedding(ids, weight, sparse=sparse) * target).sum() + (bias * 3).sum()).backward()
        if sparse:
            clip_gradients([weight, bias], 1.0)
            clipped[sparse] = (weight.grad.to_dense(), bias.grad)
        else:
            torch.nn.utils.clip_grad_norm_([weight, bias], 1.0)
            clipped[sparse] = (weight.grad, bias.grad)
    for ours, torchs in zip(clipped[True], clipped[False]):
        torch.testing.assert_close(ours, torchs, atol=1e-7, rtol=1e-6)
    assert torch.linalg.vector_norm(torch.cat([g.flatten() for g in clipped[True]])).item() < 1.0 + 1e-5
