"""The everyday loop: repro, change one param, only its stages rerun, diff metrics, push, clone, pull; to a
folder and to an S3 server."""

import re
import sys

import pytest

from committed import FORECASTERS
from pipeline_project import SETUP, copy_project, make_project

TARGETS = [f"figure_forecast@{SETUP}", f"baselines_forecast@{SETUP}"]


def stages_run(output: str) -> set[str]:
    return set(re.findall(r"Running stage '([^']+)'", output))


@pytest.fixture(scope="module")
def committed(chains_to_copy, tmp_path_factory):
    """A committed copy of the session's project in which both chains ran: these tests change it."""
    project = copy_project(chains_to_copy, tmp_path_factory.mktemp("workflow") / "project")
    project.git("add", "-A")
    project.git("commit", "-qm", "first results")
    return project


def test_changing_one_model_reruns_only_its_stages_and_diff_names_the_metric(committed, tmp_path):
    project = committed
    project.dvc("params", "diff")  # clean before the change
    params = (project.path / "params.yaml").read_text(encoding="utf-8")
    gru = params.index("gru:", params.index("train_forecast:"))
    changed = params[:gru] + params[gru:].replace("hidden: 8", "hidden: 5", 1)
    (project.path / "params.yaml").write_text(changed, encoding="utf-8")

    rerun = stages_run(project.dvc("repro", *TARGETS).stdout)
    assert rerun == {f"train_forecast@{SETUP}-gru", f"evaluate_forecast@{SETUP}-gru", f"figure_forecast@{SETUP}"}

    params_diff = project.dvc("params", "diff").stdout
    assert "train_forecast.gru.hidden" in params_diff and "5" in params_diff
    metrics_diff = project.dvc("metrics", "diff").stdout
    assert f"metrics/forecast/scores/{SETUP}/gru.json" in metrics_diff and "mae" in metrics_diff
    assert f"metrics/forecast/scores/{SETUP}/rnn.json" not in metrics_diff
    plots = project.dvc("plots", "diff", "-o", str(tmp_path / "plots")).stdout
    assert (tmp_path / "plots" / "index.html").exists(), plots

    project.git("add", "-A")
    project.git("commit", "-qm", "smaller gru")


# Made-up credentials for the test's own server; they go to .dvc/config.local, which git ignores.
S3_CREDENTIALS = {"access_key_id": "rnnlab-test-key", "secret_access_key": "rnnlab-test-secret"}


@pytest.fixture(params=["folder", "s3"])
def remote(request, tmp_path, free_port):
    """The `dvc remote` commands that make a project use one new, empty remote: a folder, or a bucket on an
    S3-compatible server (moto's) on 127.0.0.1, stopped when the test ends whatever happened."""
    if request.param == "folder":
        yield [("remote", "add", "--local", "-f", "-d", "shared", str(tmp_path / "remote"))]
        return
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=S3_CREDENTIALS["access_key_id"],
            aws_secret_access_key=S3_CREDENTIALS["secret_access_key"],
        ).create_bucket(Bucket="rnnlab")
        yield [
            ("remote", "add", "--local", "-f", "-d", "shared", "s3://rnnlab/cache"),
            ("remote", "modify", "--local", "shared", "endpointurl", endpoint),
            *(("remote", "modify", "--local", "shared", key, value) for key, value in S3_CREDENTIALS.items()),
        ]
    finally:
        server.stop()


def use(project, remote) -> None:
    for command in remote:
        project.dvc(*command)


def no_credentials_tracked(project) -> bool:
    tracked = project.run("git", "grep", "-l", "-e", S3_CREDENTIALS["secret_access_key"], check=False)
    return tracked.returncode == 1 and not tracked.stdout  # 1: no tracked file has it


def test_push_clone_pull_restores_everything(committed, remote, tmp_path):
    project = committed
    use(project, remote)
    project.dvc("push", "--run-cache")

    clone_path = tmp_path / "clone"
    project.git("clone", "-q", str(project.path), str(clone_path))
    clone = type(project)(clone_path)
    use(clone, remote)
    # Targets: the 2009-2016 setup's artifacts were never produced in this offline test project.
    clone.dvc("pull", "--with-deps", *TARGETS)
    status = clone.dvc("status", *TARGETS).stdout
    assert "up to date" in status, status
    for name in ("gru", "lstm"):
        original = project.path / f"models/forecast/{SETUP}/{name}.pt"
        assert (clone_path / original.relative_to(project.path)).read_bytes() == original.read_bytes()
    assert (clone_path / f"metrics/forecast/scores/{SETUP}/gru.json").read_text() == (
        project.path / f"metrics/forecast/scores/{SETUP}/gru.json"
    ).read_text()
    assert no_credentials_tracked(project) and no_credentials_tracked(clone)


# The same mechanism as the folder's push and pull; the S3 server is the one worth the time.
@pytest.mark.parametrize("remote", ["s3"], indirect=True)
def test_run_cache_lets_a_fresh_clone_skip_training(committed, remote, tmp_path):
    project = committed
    use(project, remote)
    project.dvc("push", "--run-cache")
    clone_path = tmp_path / "fresh"
    project.git("clone", "-q", str(project.path), str(clone_path))
    clone = type(project)(clone_path)
    use(clone, remote)
    clone.dvc("fetch", "--run-cache", "--with-deps", *TARGETS)
    clone.dvc("checkout", "fetch@station_2024")
    output = clone.dvc("repro", *TARGETS).stdout
    assert f"Stage 'train_forecast@{SETUP}-lstm' is cached - skipping run" in output, output
    assert not stages_run(output) & {f"train_forecast@{SETUP}-{m}" for m in FORECASTERS}
    assert "up to date" in clone.dvc("status", *TARGETS).stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "override, expected",
    [
        ("train_text.rnn.hidden=-3", "with -S train_text.rnn.hidden=-3, params.yaml: train_text.rnn.hidden must not"),
        ("fetch.reviews=../reviews.csv", "with -S fetch.reviews=../reviews.csv, params.yaml: fetch.reviews is "),
        ("train_text.rnn.hiden=64", "-S train_text.rnn.hiden=64: Could not override 'train_text.rnn.hiden'. "),
    ],
)
def test_queue_refuses_a_value_a_stage_would_refuse_and_queues_a_good_one(tmp_path, override, expected):
    project = make_project(tmp_path)
    refused = project.run(sys.executable, "-m", "rnnlab", "queue", "-S", override, check=False)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith(f"rnnlab queue: {expected}") and refused.stderr.count("\n") == 1
    assert "Queued" not in project.dvc("queue", "status").stdout

    queued = project.run(sys.executable, "-m", "rnnlab", "queue", "-S", "train_text.rnn.hidden=12", "-n", "wider")
    assert "Queued experiment 'wider'" in queued.stdout
    assert re.search(r"wider\s+.*Queued", project.dvc("queue", "status").stdout)
