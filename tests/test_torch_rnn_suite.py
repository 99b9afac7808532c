"""PyTorch's own tests of nn.RNN, nn.GRU and nn.LSTM, run against ours with torch.nn as the control.

Adapted by us from PyTorch's test/test_nn.py (class TestNN) and test/test_modules.py (class TestModule, over
the RNN/GRU/LSTM entries of torch.testing._internal.common_modules); each test names its source. Every body
runs twice, with ``api`` torch.nn and rnnlab.nn: a failure of the control means the adaptation is wrong.
CUDA-only parts run on the CPU where they test something that is not cuDNN's (README: what is left out).
"""

import io
import pickle
import tempfile
import types
import warnings
from itertools import product

import pytest
import torch
from torch import nn
from torch.autograd import gradcheck, gradgradcheck
from torch.nn.utils import rnn as rnn_utils
from torch.testing import assert_close

import rnnlab.nn

APIS = {"torch": nn, "rnnlab": types.SimpleNamespace(RNN=rnnlab.nn.RNN, GRU=rnnlab.nn.GRU, LSTM=rnnlab.nn.LSTM)}


@pytest.fixture(params=list(APIS))
def api(request):
    return APIS[request.param]


@pytest.fixture
def double():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


# --- test/test_nn.py, TestNN ---------------------------------------------------------------------------------


def test_RNN_nonlinearity(api):  # TestNN.test_RNN_nonlinearity
    assert api.RNN(1, 10).nonlinearity == "tanh"
    assert api.RNN(1, 10, nonlinearity="relu").nonlinearity == "relu"
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        api.RNN(1, 10, nonlinearity="garbage")


def test_RNN_nonlinearity_passed_as_arg(api):  # TestNN.test_RNN_nonlinearity_passed_as_arg
    rnn = api.RNN(2, 3, 1, "relu")
    assert rnn.nonlinearity == "relu"


def test_rnn_weight_norm(api):  # TestNN.test_rnn_weight_norm
    def check_weight_norm(layer, name, num_params):
        layer = torch.nn.utils.weight_norm(layer, name=name)
        assert sum(isinstance(p, nn.Parameter) for p in layer._flat_weights) == num_params - 1
        layer = torch.nn.utils.remove_weight_norm(layer, name=name)
        assert sum(isinstance(p, nn.Parameter) for p in layer._flat_weights) == num_params
        assert name in layer._parameters and layer._parameters[name] is not None
        assert name + "_v" not in layer._parameters and name + "_g" not in layer._parameters
        named = dict(layer.named_parameters())
        assert name in named and named[name] is not None
        assert name + "_v" not in named and name + "_g" not in named

    check_weight_norm(api.LSTM(32, 32), "weight_ih_l0", 4)
    check_weight_norm(api.LSTM(32, 32, proj_size=16), "weight_hr_l0", 5)


def test_rnn_weight_norm_output(api):  # TestNN.test_RNN_cudnn_weight_norm, on the CPU
    def check_weight_norm(m, name):
        input = torch.randn(7, 6, 10)
        expected_output = m(input)
        m = torch.nn.utils.weight_norm(m, name=name)
        assert_close(m(input), expected_output)
        m = torch.nn.utils.remove_weight_norm(m, name=name)
        assert_close(m(input), expected_output)

    check_weight_norm(api.LSTM(10, 6, 2), "weight_hh_l0")
    check_weight_norm(api.LSTM(10, 6, 2, proj_size=3), "weight_hr_l0")


def test_cudnn_forward_exception(api):  # TestNN.test_cudnn_forward_exception (not cuDNN-specific)
    rnns = [
        (api.LSTM(10, 20, batch_first=True), (torch.zeros(1, 2, 19), torch.zeros(1, 2, 19))),
        (api.LSTM(10, 20, batch_first=True, proj_size=10), (torch.zeros(1, 2, 19), torch.zeros(1, 2, 19))),
        (api.GRU(10, 20, batch_first=True), torch.zeros(1, 2, 19)),
        (api.RNN(10, 20, batch_first=True), torch.zeros(1, 2, 19)),
    ]
    x_wrong, x_right = torch.randn(2, 3, 3), torch.randn(2, 3, 10)
    for rnn, hidden in rnns:
        with pytest.raises(RuntimeError, match="Expected hidden.*size.*got"):
            rnn(x_right, hidden)
        with pytest.raises(RuntimeError, match=r"input\.size\(-1\) must be equal to input_size"):
            rnn(x_wrong)


def update_shape(shape, dim, new_dim_size):
    new_shape = list(shape)
    new_shape[dim] = new_dim_size
    return tuple(new_shape)


def test_rnn_args_check(api):  # TestNN.test_rnn_args_check
    input_size, hidden_size, num_layers, batch_size, seq_len, bad_size = 3, 5, 2, 4, 6, 7
    correct_input_shape = (seq_len, batch_size, input_size)
    correct_hidden_shape = (num_layers, batch_size, hidden_size)

    def get_inputs(input_shape, hidden_shape, mode):
        input, hidden = torch.randn(input_shape), torch.randn(hidden_shape)
        if mode != "LSTM":
            return [(input, hidden)]
        if hidden_shape == correct_hidden_shape:
            return [(input, (hidden, hidden))]
        good_hidden = torch.randn(correct_hidden_shape)
        return [(input, (hidden, good_hidden)), (input, (good_hidden, hidden))]

    def check(input_shape, hidden_shape, mode):
        for input, hidden in get_inputs(input_shape, hidden_shape, mode):
            model = getattr(api, mode)(input_size, hidden_size, num_layers)
            with pytest.raises(RuntimeError):
                model(input, hidden)

    for mode in ["RNN", "GRU", "LSTM"]:
        check(update_shape(correct_input_shape, 1, bad_size), correct_hidden_shape, mode)
        check(correct_input_shape, update_shape(correct_hidden_shape, 1, bad_size), mode)
        check(update_shape(correct_input_shape, 2, bad_size), correct_hidden_shape, mode)
        check(correct_input_shape, update_shape(correct_hidden_shape, 2, bad_size), mode)
        check(correct_input_shape, update_shape(correct_hidden_shape, 0, bad_size), mode)


def test_projections_lstm_args_check(api):  # TestNN.test_projections_lstm_args_check
    input_size, hidden_size, proj_size, num_layers, batch_size, seq_len, bad_size = 3, 5, 2, 2, 4, 6, 7
    correct_input_shape = (seq_len, batch_size, input_size)
    correct_h_shape = (num_layers, batch_size, proj_size)
    correct_c_shape = (num_layers, batch_size, hidden_size)

    def check(input_shape, h_shape, c_shape):
        model = api.LSTM(input_size, hidden_size, num_layers, proj_size=proj_size)
        with pytest.raises(RuntimeError):
            model(torch.randn(input_shape), (torch.randn(h_shape), torch.randn(c_shape)))

    check(update_shape(correct_input_shape, 1, bad_size), correct_h_shape, correct_c_shape)
    check(correct_input_shape, update_shape(correct_h_shape, 1, bad_size), update_shape(correct_c_shape, 1, bad_size))
    check(update_shape(correct_input_shape, 2, bad_size), correct_h_shape, correct_c_shape)
    check(correct_input_shape, update_shape(correct_h_shape, 2, bad_size), update_shape(correct_c_shape, 2, bad_size))
    check(correct_input_shape, update_shape(correct_h_shape, 0, bad_size), update_shape(correct_c_shape, 0, bad_size))
    check(correct_input_shape, update_shape(correct_h_shape, 0, hidden_size), correct_c_shape)
    check(correct_input_shape, update_shape(correct_h_shape, 0, bad_size), correct_c_shape)
    check(correct_input_shape, correct_h_shape, update_shape(correct_c_shape, 0, bad_size))


def test_rnn_initial_hidden_state(api):  # TestNN.test_rnn_initial_hidden_state
    for mode in ["RNN", "GRU", "LSTM"]:
        rnn = getattr(api, mode)(30, 20, 2)
        input = torch.randn(10, 32, 30)
        hidden = torch.zeros(2, 32, 20)
        if mode == "LSTM":
            hidden = (hidden, hidden)
        output1, hidden1 = rnn(input, hidden)
        output2, hidden2 = rnn(input)
        assert_close(output1, output2)
        assert_close(hidden1, hidden2)


def test_projections_lstm_initial_hidden_state(api):  # TestNN.test_projections_lstm_initial_hidden_state
    for bidir in [False, True]:
        rnn = api.LSTM(30, 20, 2, bidirectional=bidir, proj_size=10)
        num_dirs = 2 if bidir else 1
        input = torch.randn(10, 32, 30)
        hidden = (torch.zeros(2 * num_dirs, 32, 10), torch.zeros(2 * num_dirs, 32, 20))
        output1, hidden1 = rnn(input, hidden)
        output2, hidden2 = rnn(input)
        assert_close(output1, output2)
        assert_close(hidden1, hidden2)


def test_projections_errors_on_gru_and_rnn(api):  # TestNN.test_projections_errors_on_gru_and_rnn
    for mode in ["RNN", "GRU"]:
        with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM, not RNN or GRU"):
            getattr(api, mode)(30, 20, 2, proj_size=10)


def test_RNN_dropout(api, double):  # TestNN.test_RNN_dropout, the CPU half
    for p in (0, 0.276, 0.731, 1):
        for train in (True, False):
            rnn = api.RNN(10, 1000, 2, bias=False, dropout=p, nonlinearity="relu")
            rnn.train(train)
            for name in ("weight_ih_l0", "weight_hh_l0", "weight_ih_l1", "weight_hh_l1"):
                getattr(rnn, name).data.fill_(1)
            output, hy = rnn(torch.ones(1, 1, 10), torch.zeros(2, 1, 1000))
            assert output.min() == output.max()
            output_val = output[0][0][0]
            if p == 0 or not train:
                assert output_val == 10000
            elif p == 1:
                assert output_val == 0
            else:
                assert 8000 < output_val < 12000
                denorm_mod = (output_val * (1 - p)) % 10
                assert min(denorm_mod, 10 - denorm_mod) < 1e-2
            assert hy[0].min() == hy[0].max() and hy[1].min() == hy[1].max()
            assert hy[0][0][0] == 10 and hy[1][0][0] == output_val


def test_error_RNN_seq_len_zero(api, double):  # TestNN.test_error_RNN_seq_len_zero, the CPU half
    for module, bidirectional in product((api.RNN, api.LSTM, api.GRU), (True, False)):
        rnn = module(5, 6, bidirectional=bidirectional)
        with pytest.raises(RuntimeError, match="Expected sequence length to be larger than 0 in RNN"):
            rnn(torch.ones(0, 10, 5))


def test_RNN_input_size_zero(api):  # TestNN.test_RNN_input_size_zero, the CPU half
    for module in (api.RNN, api.LSTM, api.GRU):
        rnn = module(input_size=3, hidden_size=4)
        outs = rnn(torch.zeros((5, 0, 3)))
        assert outs[0].shape == torch.Size([5, 0, 4])
        outs[0].sum().backward()


def test_RNN_dropout_state(api):  # TestNN.test_RNN_dropout_state, the CPU half
    for p, train in product((0, 0.1234), (True, False)):
        rnn = api.RNN(100, 100, 2, bias=False, dropout=p, nonlinearity="relu")
        rnn.train(train)
        input, hx = torch.rand(1, 1, 100), torch.rand(2, 1, 100)
        output1, hy1 = rnn(input, hx)
        output2, hy2 = rnn(input, hx)
        buffer = io.BytesIO()
        torch.save(rnn, buffer)
        buffer.seek(0)
        rnn2 = torch.load(buffer, weights_only=False)
        rnn2.flatten_parameters()
        output3, hy3 = rnn2(input, hx)
        if p == 0 or not train:
            assert_close(output1, output2)
            assert_close(output1, output3)
            assert_close(hy1, hy2)
            assert_close(hy1, hy3)
        else:
            assert not torch.equal(output1, output2) and not torch.equal(output1, output3)
            assert not torch.equal(hy1, hy2) and not torch.equal(hy1, hy3)


def test_RNN_change_dropout(api, double):  # TestNN.test_RNN_change_dropout, the CPU half
    for train in (True, False):
        rnn = api.RNN(100, 100, 2, dropout=0, nonlinearity="relu")
        input = torch.rand(3, 2, 100)
        rnn.train(train)
        prev_output = None
        for p in (0, 0.5, 0, 0.7, 0.2, 1, 0.2, 0):
            rnn.dropout = p
            output1, hy1 = rnn(input)
            output2, hy2 = rnn(input)
            if p == 0 or p == 1 or not train:
                assert_close(output1, output2)
                assert_close(hy1, hy2)
            else:
                assert not torch.equal(output1, output2) and not torch.equal(hy1, hy2)
            if prev_output is not None:
                if not train:
                    assert_close(output1, prev_output)
                    assert_close(output2, prev_output)
                else:
                    assert not torch.equal(output1, prev_output) and not torch.equal(output2, prev_output)
            prev_output = output1.detach()


def test_RNN_dropout_warning(api):  # the warning RNNBase.__init__ gives (checked in TestNN through its modules)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        api.GRU(3, 4, dropout=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        api.GRU(3, 4, 2, dropout=0.5)


def test_weight_tying(api):  # TestNN.test_cudnn_weight_tying, on the CPU against torch.nn
    for make in (
        lambda m: m.LSTM(10, 20, batch_first=True, bidirectional=True),
        lambda m: m.LSTM(10, 20, batch_first=True, bidirectional=True, proj_size=10),
        lambda m: m.GRU(10, 20, batch_first=True, bidirectional=True),
        lambda m: m.RNN(10, 20, batch_first=True, bidirectional=True),
    ):
        reference, rnn = make(nn), make(api)
        rnn.load_state_dict(reference.state_dict())
        for module in (reference, rnn):
            module.bias_ih_l0_reverse = module.bias_ih_l0
        input = torch.randn(5, 4, 10)
        outputs = []
        for module in (reference, rnn):
            assert len(list(module.parameters())) == len(list(reference.parameters()))
            optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
            module(input)[0].sum().backward()
            optimizer.step()
            assert module.bias_ih_l0_reverse is module.bias_ih_l0
            outputs.append(module(input)[0])
        assert_close(outputs[1], outputs[0])


def test_partial_flat_weights(api):  # TestNN.test_partial_flat_weights, moving to float64 instead of CUDA
    m = api.LSTM(10, 6, 2)
    inp = torch.randn(3, 2, 10)
    out_expected = m(inp)
    weight_orig = m.weight_hh_l0
    del m.weight_hh_l0
    assert not hasattr(m, "weight_hh_l0")
    m.double()
    m.weight_hh_l0 = nn.Parameter(weight_orig.detach().double())
    assert_close(m(inp.double())[0], out_expected[0].double(), atol=1e-6, rtol=1e-6)


def test_RNN_cpu_vs_reference(api, double):  # TestNN._test_RNN_cpu_vs_cudnn (dropout 0): api against torch.nn
    input_size, hidden_size, proj_size, num_layers, seq_length, batch = 10, 6, 3, 2, 7, 6

    def forward_backward(rnn, input_val, grad_output, weights_val, hx_val, grad_hy, cx_val=None, grad_cy=None):
        is_lstm = isinstance(rnn, (nn.LSTM, rnnlab.nn.LSTM))
        with torch.no_grad():
            for x_layer, y_layer in zip(rnn.all_weights, weights_val):
                for x, y in zip(x_layer, y_layer):
                    x.copy_(y)
        if isinstance(input_val, rnn_utils.PackedSequence):
            input = rnn_utils.PackedSequence(input_val.data.detach().requires_grad_(True), input_val.batch_sizes)
            input_var = input.data
        else:
            input = input_val.clone().requires_grad_(True)
            input_var = input
        if is_lstm:
            cell = hx_val.add(1) if cx_val is None else cx_val.add(1)
            hx = (hx_val.clone().requires_grad_(True), cell.requires_grad_(True))
        else:
            hx = hx_val.clone().requires_grad_(True)
        output, hy = rnn(input, hx)
        if isinstance(output, rnn_utils.PackedSequence):
            output = output.data
        if is_lstm:
            grad_c = grad_hy + 1 if grad_cy is None else grad_cy + 1
            torch.autograd.backward([output, hy[0], hy[1]], [grad_output, grad_hy, grad_c])
        else:
            torch.autograd.backward([output, hy], [grad_output, grad_hy])
        return {
            "output": output.detach(),
            "hy": (hy[0] if is_lstm else hy).detach(),
            "grad_input": input_var.grad,
            "grad_hx": (hx[0] if is_lstm else hx).grad,
            "cy": hy[1].detach() if is_lstm else None,
            "grad_cx": hx[1].grad if is_lstm else None,
            "weight_grads": [[w.grad for w in layer] for layer in rnn.all_weights],
        }

    def make_noncontig(tensor):
        ndim = tensor.dim()
        return torch.stack([tensor.clone().zero_(), tensor], ndim).select(ndim, 1)

    def compare(ours, theirs):
        assert ours.keys() == theirs.keys()
        for key in ours:
            if key == "weight_grads":
                for mine, reference in zip(ours[key], theirs[key], strict=True):
                    for a, b in zip(mine, reference, strict=True):
                        assert_close(a, b, atol=5e-5, rtol=0)
            elif ours[key] is not None:
                assert_close(ours[key], theirs[key], atol=5e-5, rtol=0, msg=key)

    for projected, module in [(False, "RNN"), (False, "LSTM"), (False, "GRU"), (True, "LSTM")]:
        for bias, bidirectional, batch_first, contig, variable_len in product((True, False), repeat=5):
            directions = 2 if bidirectional else 1
            out_size = proj_size if projected else hidden_size
            shape = (batch, seq_length) if batch_first else (seq_length, batch)
            input_val = torch.randn(*shape, input_size)
            grad_output = torch.randn(*shape, out_size * directions)
            hx_val = torch.randn(num_layers * directions, batch, out_size)
            grad_hy = torch.randn(num_layers * directions, batch, out_size)
            cx_val = torch.randn(num_layers * directions, batch, hidden_size) if projected else None
            grad_cy = torch.randn(num_layers * directions, batch, hidden_size) if projected else None
            if not contig:
                grad_output, grad_hy, input_val, hx_val = map(make_noncontig, (grad_output, grad_hy, input_val, hx_val))
            if variable_len:
                lengths = [7, 5, 5, 2, 1, 1]
                input_val = rnn_utils.pack_padded_sequence(input_val, lengths, batch_first=batch_first)
                grad_output = rnn_utils.pack_padded_sequence(grad_output, lengths, batch_first=batch_first).data
            options = {"proj_size": proj_size} if projected else {}
            reference = getattr(nn, module)(
                input_size,
                hidden_size,
                num_layers,
                bias=bias,
                bidirectional=bidirectional,
                batch_first=batch_first,
                **options,
            )
            tested = getattr(api, module)(
                input_size,
                hidden_size,
                num_layers,
                bias=bias,
                bidirectional=bidirectional,
                batch_first=batch_first,
                **options,
            )
            weights = [[w.detach().clone() for w in layer] for layer in reference.all_weights]
            compare(
                forward_backward(tested, input_val, grad_output, weights, hx_val, grad_hy, cx_val, grad_cy),
                forward_backward(reference, input_val, grad_output, weights, hx_val, grad_hy, cx_val, grad_cy),
            )


# --- test/test_modules.py, TestModule, over common_modules' RNN/GRU/LSTM inputs -------------------------------


def module_inputs(name: str, requires_grad: bool = False):
    """What common_modules.module_inputs_torch_nn_RNN_GRU and module_inputs_torch_nn_LSTM give: unbatched input,
    with and without hx, over every combination of the flags; (constructor kwargs, forward args) pairs."""
    samples = []
    flags = list(product((False, True), repeat=3))  # bias, batch_first, bidirectional
    extra = {
        "RNN": [{"nonlinearity": "relu"}, {"nonlinearity": "tanh"}],
        "GRU": [{}],
        "LSTM": [{"proj_size": 0}, {"proj_size": 2}],
    }[name]
    make = lambda *shape: torch.randn(*shape, requires_grad=requires_grad)  # noqa: E731
    for options, (bias, batch_first, bidirectional) in product(extra, flags):
        hidden = 3 if name == "LSTM" else 2
        common = {
            "input_size": 2,
            "num_layers": 2,
            "batch_first": batch_first,
            "bias": bias,
            "bidirectional": bidirectional,
            **options,
        }
        states = 4 if bidirectional else 2
        samples.append(({**common, "hidden_size": hidden}, (make(3 if name != "LSTM" else 2, 2),)))
        if name == "LSTM":
            h_out = options["proj_size"] or 3
            samples.append(({**common, "hidden_size": 3}, (make(3, 2), (make(states, h_out), make(states, 3)))))
        else:
            samples.append(({**common, "hidden_size": 3}, (make(3, 2), make(states, 3))))
    return samples


def batched_reference(m, input, hx=None):
    """common_nn.no_batch_dim_reference_rnn_gru / _lstm: the unbatched call equals the batched one squeezed."""
    batch_dim = 0 if m.batch_first else 1
    if hx is not None:
        hx = tuple(h.unsqueeze(1) for h in hx) if isinstance(hx, tuple) else hx.unsqueeze(1)
    output, h_n = m(input.unsqueeze(batch_dim), hx)
    h_n = tuple(h.squeeze(1) for h in h_n) if isinstance(h_n, tuple) else h_n.squeeze(1)
    return output.squeeze(batch_dim), h_n


MODULES = ["RNN", "GRU", "LSTM"]


@pytest.mark.parametrize("name", MODULES)
@pytest.mark.parametrize("training", [True, False])
def test_forward(api, name, training):  # TestModule.test_forward
    for kwargs, args in module_inputs(name):
        torch.manual_seed(0)
        m = getattr(api, name)(**kwargs)
        m.train(training)
        with torch.random.fork_rng():
            outputs = m(*args)
        with torch.random.fork_rng():
            reference = batched_reference(m, *args)
        assert_close(outputs, reference)
        m.float()
        m(*args)
        assert all(p.dtype == torch.float32 for p in m.parameters())
        m.double()
        m(*(tuple(a.double() for a in arg) if isinstance(arg, tuple) else arg.double() for arg in args))
        assert all(p.dtype == torch.float64 for p in m.parameters())


@pytest.mark.parametrize("name", MODULES)
def test_factory_kwargs(api, name):  # TestModule.test_factory_kwargs
    for kwargs, _ in module_inputs(name):
        m = getattr(api, name)(**kwargs, device="cpu", dtype=torch.float64)
        for item_name, item in m.named_parameters():
            assert item.device == torch.device("cpu") and item.dtype == torch.float64, item_name
        meta = getattr(api, name)(**kwargs, device="meta")
        assert all(p.device.type == "meta" for p in meta.parameters())


@pytest.mark.parametrize("name", MODULES)
def test_repr_and_pickle(api, name):  # TestModule.test_repr, TestModule.test_pickle
    for kwargs, args in module_inputs(name):
        m = getattr(api, name)(**kwargs).eval()
        repr(m), str(m)
        output = m(*args)
        with tempfile.TemporaryFile() as f:
            torch.save(m, f)
            f.seek(0)
            copy = torch.load(f, weights_only=False)
        assert_close(copy(*args), output)
        assert_close(pickle.loads(pickle.dumps(m))(*args), output)


def gradients_helper(api, name, check):  # TestModule._test_gradients_helper, the total derivative
    # The samples with hx, biases, both directions and time-major input: each cell (and projection) through
    # every weight, hx and input, at a sixteenth of the time (gradgradcheck of all of them takes minutes).
    # Batched gradients too, as common_utils' gradcheck and gradgradcheck, which TestModule calls, check them.
    for kwargs, args in module_inputs(name, requires_grad=True):
        if len(args) < 2 or not kwargs["bidirectional"] or not kwargs["bias"] or kwargs["batch_first"]:
            continue
        m = getattr(api, name)(**kwargs, dtype=torch.float64)
        args = tuple(
            tuple(a.double().detach().requires_grad_() for a in arg)
            if isinstance(arg, tuple)
            else arg.double().detach().requires_grad_()
            for arg in args
        )
        flat_input, spec = torch.utils._pytree.tree_flatten(args + tuple(m.parameters()))

        def fn_to_gradcheck(*flat, m=m, spec=spec, args=args):
            # gradcheck perturbs the parameters in place: the module reads them as it runs.
            output = m(*torch.utils._pytree.tree_unflatten(flat, spec)[: len(args)])
            return torch.utils._pytree.tree_flatten(output)[0]

        # Batched gradients are ours to prove; torch's own modules, the control, pass them in torch's suite.
        assert check(fn_to_gradcheck, flat_input, check_batched_grad=api is not nn)


@pytest.mark.parametrize("name", MODULES)
def test_grad(api, name):  # TestModule.test_grad
    gradients_helper(api, name, gradcheck)


@pytest.mark.slow
@pytest.mark.parametrize("name", MODULES)
def test_gradgrad(api, name):  # TestModule.test_gradgrad
    gradients_helper(api, name, gradgradcheck)


@pytest.mark.parametrize("name", MODULES)
def test_non_contiguous_tensors(api, name):  # TestModule.test_non_contiguous_tensors
    def non_contiguous(tensor):
        out = torch.repeat_interleave(tensor, 2, dim=-1)[..., ::2].detach()
        return out.requires_grad_(tensor.requires_grad)

    for kwargs, args in module_inputs(name, requires_grad=True):
        m = getattr(api, name)(**kwargs)
        flat, spec = torch.utils._pytree.tree_flatten(args)
        results = []
        for inputs in (flat, [non_contiguous(t) for t in flat]):
            m.zero_grad()
            output = m(*torch.utils._pytree.tree_unflatten(inputs, spec))
            outputs = torch.utils._pytree.tree_flatten(output)[0]
            grads = torch.autograd.grad(outputs, [*inputs, *m.parameters()], [torch.ones_like(o) for o in outputs])
            results.append((outputs, grads))
        assert_close(results[1], results[0], atol=1e-4, rtol=0)


@pytest.mark.parametrize("name", MODULES)
def test_memory_format(api, name):  # TestModule.test_memory_format, training: 2-D and 3-D tensors, contiguous only
    for kwargs, args in module_inputs(name, requires_grad=True):
        m = getattr(api, name)(**kwargs)
        outputs = torch.utils._pytree.tree_flatten(m(*args))[0]
        inputs = dict(enumerate(torch.utils._pytree.tree_flatten(args)[0]))
        inputs.update(m.named_parameters())
        grads = torch.autograd.grad(outputs, list(inputs.values()), [torch.rand_like(o) for o in outputs])
        assert all(output.is_contiguous() for output in outputs), kwargs
        for key, grad in zip(inputs, grads):
            assert grad.is_contiguous(), (kwargs, key)


@pytest.mark.parametrize("name", MODULES)
def test_errors(api, name):  # TestModule.test_errors over common_modules.module_error_inputs_torch_nn_RNN_GRU
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        getattr(api, name)(10, 0, 1)
    with pytest.raises(ValueError, match="num_layers must be greater than zero"):
        getattr(api, name)(10, 10, 0)
    m = getattr(api, name)(3, 5, dtype=torch.float32)
    with pytest.raises(
        ValueError,
        match=r"RNN input dtype .* does not match weight dtype .* Convert input: "
        r"input\.to\(.*\), or convert model: model\.to\(.*\)",
    ):
        m(torch.randn(2, 4, 3, dtype=torch.float64))


# --- what the issues found beyond PyTorch's tests: state_dicts both ways, parametrize, compile, torch.func ------


@pytest.mark.parametrize("name", MODULES)
def test_state_dict_round_trip_with_torch(name):
    reference = getattr(nn, name)(3, 4, 2, bidirectional=True, **({"proj_size": 2} if name == "LSTM" else {}))
    ours = getattr(rnnlab.nn, name)(3, 4, 2, bidirectional=True, **({"proj_size": 2} if name == "LSTM" else {}))
    ours.load_state_dict(reference.state_dict())
    assert list(ours.state_dict()) == list(reference.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in reference.named_parameters()]
    fresh = getattr(nn, name)(3, 4, 2, bidirectional=True, **({"proj_size": 2} if name == "LSTM" else {}))
    fresh.load_state_dict(ours.state_dict())
    input = torch.randn(5, 2, 3)
    assert_close(ours(input), reference(input))
    assert_close(fresh(input), reference(input))


def test_same_seed_gives_torch_weights():
    torch.manual_seed(3)
    reference = nn.LSTM(3, 4, 2, proj_size=2)
    torch.manual_seed(3)
    ours = rnnlab.nn.LSTM(3, 4, 2, proj_size=2)
    for (name, mine), (_, theirs) in zip(ours.named_parameters(), reference.named_parameters(), strict=True):
        assert torch.equal(mine, theirs), name


def test_parametrize_by_name_and_functional_call(api):
    class Doubled(nn.Module):
        def forward(self, weight):
            return 2 * weight

    m = api.GRU(3, 4)
    input = torch.randn(5, 2, 3)
    with torch.no_grad():
        expected = torch.func.functional_call(m, {"weight_hh_l0": 2 * m.weight_hh_l0}, (input,))
    torch.nn.utils.parametrize.register_parametrization(m, "weight_hh_l0", Doubled())
    assert_close(m(input), expected)
    assert "parametrizations.weight_hh_l0.original" in dict(m.named_parameters())
    assert len(list(m.parameters())) == 4


def test_compile_matches_eager(api):
    m = api.LSTM(3, 4, 2, batch_first=True)
    input = torch.randn(2, 5, 3)
    compiled = torch.compile(m, backend="eager", fullgraph=False)
    assert_close(compiled(input), m(input))


def stacked(results):
    """Results of one call per element, stacked as vmap returns them."""
    return torch.utils._pytree.tree_map(lambda *tensors: torch.stack(tensors), *results)


def check_batched_gradients(outputs, inputs):
    cotangents = [torch.randn(3, *output.shape) for output in outputs]

    def vjp(*vectors):
        return torch.autograd.grad(outputs, inputs, vectors, retain_graph=True)

    expected = stacked([vjp(*vectors) for vectors in zip(*cotangents)])
    assert_close(torch.autograd.grad(outputs, inputs, cotangents, retain_graph=True, is_grads_batched=True), expected)
    assert_close(torch.func.vmap(vjp)(*cotangents), expected)


@pytest.mark.parametrize("name", MODULES)
def test_batched_gradients(api, name):  # vmap over the backward: autograd's is_grads_batched and torch.func.vmap
    m = getattr(api, name)(3, 4, 2, bidirectional=True)
    padded = torch.randn(5, 3, 3, requires_grad=True)
    for input in (padded, rnn_utils.pack_padded_sequence(padded, [5, 3, 2])):
        output, hidden = m(input)
        outputs = [
            output.data if isinstance(output, rnn_utils.PackedSequence) else output,
            *(hidden if isinstance(hidden, tuple) else (hidden,)),
        ]
        check_batched_gradients(outputs, [padded, *m.parameters()])


@pytest.mark.parametrize("name", MODULES)
def test_func_grad_jacrev_jvp(api, name):  # torch.func's transforms of the forward, each against autograd's
    m = getattr(api, name)(3, 4, 2, bidirectional=True, batch_first=True, dtype=torch.float64)
    input = torch.randn(2, 5, 3, dtype=torch.float64)
    parameters = {key: value.detach() for key, value in m.named_parameters()}

    def loss(parameters, input):
        output, _ = torch.func.functional_call(m, parameters, (input,))
        return output.square().sum()

    m(input)[0].square().sum().backward()
    assert_close(torch.func.grad(loss)(parameters, input), {key: value.grad for key, value in m.named_parameters()})

    def first_output(input):
        return m(input)[0]

    assert_close(torch.func.jacrev(first_output)(input), torch.autograd.functional.jacobian(first_output, input))
    tangent = torch.randn_like(input)
    assert_close(
        torch.func.jvp(first_output, (input,), (tangent,))[1],
        torch.autograd.functional.jvp(first_output, input, tangent)[1],
    )


@pytest.mark.parametrize("name", MODULES)
def test_vmap_matches_a_loop(name):
    # Ours only: torch.nn's modules have no batching rule for aten::rnn_tanh, gru or lstm (vmap raises).
    def make():
        return getattr(rnnlab.nn, name)(3, 4, 2, bidirectional=True, batch_first=True, dtype=torch.float64)

    m = make()
    inputs = torch.randn(3, 2, 5, 3, dtype=torch.float64)
    hx = torch.utils._pytree.tree_map(torch.Tensor.detach, m(inputs[0])[1])
    assert_close(torch.func.vmap(m)(inputs), stacked([m(input) for input in inputs]))
    assert_close(torch.func.vmap(m)(inputs, stacked([hx] * 3)), stacked([m(input, hx) for input in inputs]))
    assert_close(torch.func.vmap(lambda input: m(input, hx))(inputs), stacked([m(input, hx) for input in inputs]))

    members = [make() for _ in range(3)]
    parameters, buffers = torch.func.stack_module_state(members)
    ensemble = torch.func.vmap(lambda p, b: torch.func.functional_call(m, (p, b), (inputs[0],)))(parameters, buffers)
    assert_close(ensemble, stacked([member(inputs[0]) for member in members]))

    def loss(parameters, input):
        return torch.func.functional_call(m, parameters, (input,))[0].square().sum()

    own = {key: value.detach() for key, value in m.named_parameters()}
    per_sample = torch.func.vmap(torch.func.grad(loss), in_dims=(None, 0))(own, inputs)
    assert_close(per_sample, stacked([torch.func.grad(loss)(own, input) for input in inputs]))
