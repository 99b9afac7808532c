"""The fixed-order float32 products (rnnlab.gemm): right, and the same bytes whatever the shape around an
element, its tiling, the memory layout of the operands or the number of threads."""

import pytest
import torch

from rnnlab import gemm

# Shapes around the kernel's tiles (6 rows, 16 columns, 256 k a block): exact, one short, one over, and empty.
SHAPES = [(1, 1, 1), (6, 16, 256), (5, 15, 255), (7, 17, 257), (13, 40, 600), (64, 384, 128), (0, 4, 4), (4, 0, 3)]


@pytest.fixture(scope="module", autouse=True)
def installed():
    gemm.install()


def operands(m: int, n: int, k: int, transposed_a: bool, transposed_b: bool) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(m * 10_000 + n * 100 + k)
    a = torch.randn(k, m, generator=generator).T if transposed_a else torch.randn(m, k, generator=generator)
    b = torch.randn(n, k, generator=generator).T if transposed_b else torch.randn(k, n, generator=generator)
    return a, b


@pytest.mark.parametrize("m, n, k", SHAPES)
@pytest.mark.parametrize("transposed_a", [False, True])
@pytest.mark.parametrize("transposed_b", [False, True])
def test_products_are_right_and_each_element_is_its_own_dot_product(m, n, k, transposed_a, transposed_b):
    a, b = operands(m, n, k, transposed_a, transposed_b)
    product = a @ b
    assert product.shape == (m, n) and product.dtype == torch.float32
    exact = a.double() @ b.double()
    # One rounding per multiply-add: the error bound of a sequential float32 sum of k terms.
    bound = k * torch.finfo(torch.float32).eps * (a.double().abs() @ b.double().abs())
    assert (product.double() - exact).abs().le(bound).all()
    # An element does not depend on the rows and columns computed beside it, nor on the layout.
    for i, j in [(0, 0), (m - 1, n - 1), (m // 2, n // 3)] if m and n else []:
        alone = a[i : i + 1].contiguous() @ b[:, j : j + 1].contiguous()
        assert torch.equal(alone[0, 0], product[i, j])
    assert torch.equal(product, a.contiguous() @ b.contiguous())


def test_the_bytes_do_not_depend_on_the_number_of_threads():
    a, b = operands(301, 130, 700, False, True)
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = a @ b
        torch.set_num_threads(2)
        assert torch.equal(one, a @ b)
    finally:
        torch.set_num_threads(threads)


def test_addmm_adds_to_the_rounded_product_and_linear_and_its_gradients_go_through_it():
    a, b = operands(9, 20, 33, False, True)
    bias = torch.randn(20)
    assert torch.equal(torch.addmm(bias, a, b), a @ b + bias)
    assert torch.equal(torch.addmm(bias, a, b, beta=0.5, alpha=2.0), (a @ b) * 2.0 + bias * 0.5)
    assert torch.equal(torch.addmm(torch.full((9, 20), float("nan")), a, b, beta=0), a @ b)
    weight = b.T.contiguous().requires_grad_()
    inputs = a.clone().requires_grad_()
    torch.nn.functional.linear(inputs, weight, bias).square().sum().backward()
    grad_output = 2 * (a @ b + bias)
    assert torch.equal(weight.grad, grad_output.T @ a)
    assert torch.equal(inputs.grad, grad_output @ weight.detach())


def test_other_types_go_on_to_torch():
    a, b = operands(7, 9, 11, False, False)
    assert torch.allclose((a.double() @ b.double()).float(), a @ b, atol=1e-5)
    assert (a.to(torch.bfloat16) @ b.to(torch.bfloat16)).dtype == torch.bfloat16
