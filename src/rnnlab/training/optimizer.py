"""AdamW as the trainings use it: the word embeddings' sparse rows updated lazily, gradients clipped by their
total norm, sparse ones included."""

import torch
from torch import nn

from rnnlab.config import TrainConfig


class RowSparseAdamW(torch.optim.AdamW):
    """AdamW, with the parameters whose gradients come sparse (word embeddings) updated only in the rows the
    batch used: Adam's moments and weight decay for those rows, as a lazy Adam does, where the dense update
    would move all 68,000 rows of each embedding every step (a fifth of a text training step's time)."""

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for parameter in group["params"]:
                if parameter.grad is None or not parameter.grad.is_sparse:
                    continue
                gradient = parameter.grad.coalesce()
                rows, values = gradient.indices()[0], gradient.values()
                state = self.state[parameter]
                if not state:
                    state["step"] = torch.zeros((), dtype=torch.float32, device=parameter.device)
                    state["exp_avg"] = torch.zeros_like(parameter)
                    state["exp_avg_sq"] = torch.zeros_like(parameter)
                state["step"] += 1
                step = state["step"].item()
                exp_avg = state["exp_avg"][rows].mul_(beta1).add_(values, alpha=1 - beta1)
                exp_avg_sq = state["exp_avg_sq"][rows].mul_(beta2).addcmul_(values, values, value=1 - beta2)
                state["exp_avg"][rows], state["exp_avg_sq"][rows] = exp_avg, exp_avg_sq
                denominator = (exp_avg_sq / (1 - beta2**step)).sqrt_().add_(group["eps"])
                updated = parameter[rows].mul_(1 - group["lr"] * group["weight_decay"])
                parameter[rows] = updated.addcdiv_(exp_avg, denominator, value=-group["lr"] / (1 - beta1**step))
                # The fused dense step below skips parameters without a gradient.
                parameter.grad = None
        return super().step(closure)


def optimizer_for(model: nn.Module, config: TrainConfig) -> RowSparseAdamW:
    """AdamW over the parameters that train."""
    parameters = [p for p in model.parameters() if p.requires_grad]
    # fused: one kernel for all parameters, where the loop over tensors cost a third of a text training step.
    return RowSparseAdamW(parameters, lr=config.lr, weight_decay=config.weight_decay, fused=True)


def clip_gradients(parameters: list[nn.Parameter], clip_norm: float) -> None:
    """torch's clip_grad_norm_ (total norm over all gradients, scaled down to ``clip_norm``), which also takes
    sparse gradients: their duplicate rows summed first, as the norm is the summed gradient's."""
    gradients = []
    for parameter in parameters:
        if parameter.grad is not None and parameter.grad.is_sparse:
            parameter.grad = parameter.grad.coalesce()
        if parameter.grad is not None:
            gradients.append(parameter.grad.values() if parameter.grad.is_sparse else parameter.grad)
    total = nn.utils.get_total_norm(gradients)
    scale = (clip_norm / (total + 1e-6)).clamp(max=1.0)
    for gradient in gradients:
        gradient.mul_(scale)
