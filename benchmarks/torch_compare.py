"""nnlesson against PyTorch on the CPU: seconds for one epoch of MNIST (issue #9).

One epoch = 60,000 training images through the paper's 784-32-16-10 sigmoid network with the
quadratic cost (sum over outputs, mean over the batch), float32, every contender with the same
starting weights (``Network(seed=s)``) and the same mini-batches (``training.batch_order``).
Contenders, each timed in a process of its own:

  * ``train``:      ``nnlesson.train`` as it is now (the lesson code, one ``sgd_step`` per batch);
  * ``engine``:     ``nnlesson.engine.Engine.run_epoch`` (also in float64: ``engine64``);
  * ``torch_loop``: a hand-written PyTorch loop: the same matrix products, sigmoid and manual
                    backpropagation, under ``torch.no_grad()``;
  * ``torch_tuned``: that loop given the engine's speed-ups: buffers (``out=``), in-place ops,
                    the learning rate folded into delta^L, the step fused into ``addmm_``;
  * ``autograd``:   ``torch.nn`` layers, ``torch.optim.SGD`` and ``loss.backward()``;
  * ``naive``:      ``nnlesson.tools.bench.naive_epoch``, one example at a time, timed on fewer
                    images and scaled to 60,000 (as ``python -m nnlesson bench`` does).

Every contender computes the batch cost at every step, as ``train`` records it. Each process
warms up on a short run first, then times one epoch (wall clock, the training steps only, as
``History.seconds``), and reports its CPU time and the test accuracy it reached: a check that all
do the same maths. At batches of 40 and 100 the accuracies agree; at batch 10 with learning rate
4 they may differ by a point, because training there amplifies rounding differences (about 4 % a
step: float64 runs that start 1e-16 apart end 1e-6 apart after 600 steps; float32 ones end
unrelated). The table shows the median of the repeats and its ratio to ``torch_loop``'s median:
below 1 is faster than PyTorch.

Thread counts: each run sets OMP/MKL/OPENBLAS_NUM_THREADS, ``threadpoolctl`` and
``torch.set_num_threads`` to the same number, and prints what the libraries then report.
``train`` pins BLAS to one thread itself; with 2 threads its unpinned body (``training._train``)
is timed instead. Run from the repository root with the bench venv (benchmarks/README.md):

    .venv-bench/bin/python benchmarks/torch_compare.py [--threads 1 2] [--repeats 3]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CONTENDERS = ("train", "train64", "engine", "engine64", "torch_loop", "torch_tuned", "autograd",
              "naive")
NAIVE_IMAGES = 3000
OPENBLAS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


# ---- the contenders: each trains `net` on `batches`, returns its Clock (PyTorch: and weights) ----

class Clock:
    """Wall and CPU seconds (all threads of the process) of the block it times."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def run_train(net, data, batches, lr, seed, threads):
    """train times its own steps (History.seconds); its CPU time cannot be told apart from its
    data conversion and test scoring, so it has none."""
    from nnlesson import training
    fit = training.train if threads == 1 else getattr(training, "_train", training.train)
    clock = Clock()
    clock.wall, clock.cpu = fit(net, data, 1, len(batches[0]), lr, seed, None).seconds[0], None
    return clock


def run_engine(net, data, batches, lr, seed, threads):
    from nnlesson import one_hot
    from nnlesson.engine import Engine
    engine = Engine(net, data.X_train, one_hot(data.y_train))  # data conversion, as train's
    with Clock() as clock:
        engine.run_epoch(batches, lr)
    return clock


def torch_data(net, data, batches):
    import numpy as np
    import torch
    from nnlesson import one_hot
    X = torch.from_numpy(np.ascontiguousarray(data.X_train.T, dtype=np.float32))  # image per row
    Y = torch.from_numpy(np.ascontiguousarray(one_hot(data.y_train).T, dtype=np.float32))
    W = [None] + [torch.from_numpy(np.array(w, dtype=np.float32)) for w in net.W[1:]]
    b = [None] + [torch.from_numpy(np.array(v, dtype=np.float32).ravel()) for v in net.b[1:]]
    return X, Y, W, b, [torch.from_numpy(idx) for idx in batches]


def run_torch_loop(net, data, batches, lr, seed, threads):
    """Rows are examples (PyTorch's convention, measured a little faster here than columns)."""
    import torch
    X, Y, W, b, batches = torch_data(net, data, batches)
    L, losses = net.L, []
    with Clock() as clock, torch.no_grad():
        for idx in batches:
            x, y, m = X.index_select(0, idx), Y.index_select(0, idx), len(idx)
            a = [x]
            for l in range(1, L + 1):
                a.append(torch.sigmoid(torch.addmm(b[l], a[-1], W[l].T)))
            e = a[L] - y
            losses.append(float(torch.dot(e.flatten(), e.flatten())) / m)
            delta = e * a[L] * (1 - a[L]) * (2.0 / m)
            for l in range(L, 0, -1):
                grad_W, grad_b = delta.T @ a[l - 1], delta.sum(0)
                if l > 1:
                    delta = (delta @ W[l]) * a[l - 1] * (1 - a[l - 1])
                W[l].sub_(grad_W, alpha=lr)
                b[l].sub_(grad_b, alpha=lr)
    return clock, W, b


def run_torch_tuned(net, data, batches, lr, seed, threads):
    """torch_loop with the engine's speed-ups, so that PyTorch is not handicapped by style."""
    import torch
    X, Y, W, b, batches = torch_data(net, data, batches)
    L, losses, buffers = net.L, [], {}
    with Clock() as clock, torch.inference_mode():
        for idx in batches:
            m = len(idx)
            if m not in buffers:  # a^l, delta^l, sigma'(z^l) by layer, and y
                buffers[m] = [[torch.empty(m, n) for n in net.sizes] for _ in range(3)] + \
                    [torch.empty(m, net.sizes[-1])]
            a, delta, s, y = buffers[m]
            torch.index_select(X, 0, idx, out=a[0])
            torch.index_select(Y, 0, idx, out=y)
            for l in range(1, L + 1):
                torch.addmm(b[l], a[l - 1], W[l].T, out=a[l]).sigmoid_()
            torch.sub(a[L], y, out=delta[L])
            losses.append(float(torch.dot(delta[L].view(-1), delta[L].view(-1))) / m)
            for l in range(L, 0, -1):
                if l == L:
                    scale = 2.0 * lr / m
                else:
                    torch.mm(delta[l + 1], W[l + 1], out=delta[l])
                    scale = 1.0
                torch.mul(a[l], a[l], out=s[l])
                torch.sub(a[l], s[l], out=s[l])  # sigma' = a (1 - a)
                delta[l].mul_(s[l]).mul_(scale)
                if l < L:  # W^(l+1) only now: delta^l needed it as it was
                    W[l + 1].addmm_(delta[l + 1].T, a[l], alpha=-1)
                    b[l + 1].sub_(delta[l + 1].sum(0))
            W[1].addmm_(delta[1].T, a[0], alpha=-1)
            b[1].sub_(delta[1].sum(0))
    return clock, W, b


def run_autograd(net, data, batches, lr, seed, threads):
    import torch
    X, Y, W, b, batches = torch_data(net, data, batches)
    layers = []
    for l in range(1, net.L + 1):
        linear = torch.nn.Linear(*reversed(W[l].shape))
        with torch.no_grad():
            linear.weight.copy_(W[l])
            linear.bias.copy_(b[l])
        layers += [linear, torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    with Clock() as clock:
        for idx in batches:
            x, y = X.index_select(0, idx), Y.index_select(0, idx)
            loss = ((model(x) - y) ** 2).sum(dim=1).mean()  # sum over outputs, mean over batch
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return (clock, [None] + [layer.weight.detach() for layer in layers[::2]],
            [None] + [layer.bias.detach() for layer in layers[::2]])


def run_naive(net, data, batches, lr, seed, threads):
    """Timed on the first NAIVE_IMAGES images, scaled to the whole epoch."""
    import numpy as np
    from nnlesson.tools.bench import naive_epoch
    from nnlesson import one_hot
    images = min(NAIVE_IMAGES, data.X_train.shape[1])
    X = np.ascontiguousarray(data.X_train[:, :images])
    Y = one_hot(data.y_train[:images]).astype(X.dtype)
    with Clock() as clock:
        naive_epoch(net, X, Y, len(batches[0]), lr, seed)
    clock.wall, clock.cpu = (t * data.X_train.shape[1] / images for t in (clock.wall, clock.cpu))
    return clock


RUNS = dict(train=run_train, train64=run_train, engine=run_engine, engine64=run_engine,
            torch_loop=run_torch_loop, torch_tuned=run_torch_tuned, autograd=run_autograd,
            naive=run_naive)


# ---- one child process: one contender, one batch size, one seed ----

def thread_report(threads):
    """What the libraries say about their threads (and which OpenBLAS kernel runs)."""
    from threadpoolctl import threadpool_info
    report = {}
    for lib in threadpool_info():
        name = lib["internal_api"] + (f"({lib['architecture']})" if lib.get("architecture") else "")
        report[name] = lib["num_threads"]
    if "torch" in sys.modules:
        report["torch.get_num_threads"] = sys.modules["torch"].get_num_threads()
    return report


def child(job):
    import numpy as np
    contender, threads = job["contender"], job["threads"]
    if contender.startswith("torch") or contender == "autograd":
        import torch
        torch.set_num_threads(threads)
    from threadpoolctl import threadpool_limits
    import nnlesson
    from nnlesson import Network, evaluate
    from nnlesson.training import batch_order
    dtype = np.float64 if contender.endswith("64") else np.float32
    data = nnlesson.load_mnist(dtype=dtype, progress=False).subset(job["images"])
    run = RUNS[contender]
    with threadpool_limits(limits=threads):
        warm = data.subset(2000, 100)
        run(Network(dtype=dtype, seed=99), warm, next(batch_order(2000, job["batch"], 1, 99)),
            job["lr"], 99, threads)
        net = Network(init="scaled", seed=job["seed"], dtype=dtype)
        batches = next(batch_order(data.X_train.shape[1], job["batch"], 1, job["seed"]))
        clock = run(net, data, batches, job["lr"], job["seed"], threads)
        report = thread_report(threads)
    if isinstance(clock, tuple):  # PyTorch: its weights back into the Network, to score it
        clock, W, b = clock
        for l in range(1, net.L + 1):
            net.W[l][...] = W[l].numpy()
            net.b[l][...] = b[l].numpy().reshape(-1, 1)
    accuracy = None if contender == "naive" else evaluate(net, data.X_test, data.y_test)
    print(json.dumps(dict(seconds=clock.wall, cpu=clock.cpu, accuracy=accuracy, threads=report)))


def spawn(job, env):
    out = subprocess.run([sys.executable, __file__, "--child", json.dumps(job)], env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"error: {job['contender']} failed:\n{out.stderr.strip()[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- the parent: run everything, print Markdown ----

def load():
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(args, threads, env):
    env = {**env, **{name: str(threads) for name in THREAD_ENV}}
    results, reports = {}, {}
    for repeat in range(args.repeats):
        for batch in args.batches:
            order = args.contenders[repeat % len(args.contenders):] + \
                args.contenders[:repeat % len(args.contenders)]  # rotate: drifts hit all alike
            for contender in order:
                job = dict(contender=contender, threads=threads, batch=batch, seed=repeat,
                           lr=args.lr, images=args.images)
                r = spawn(job, env)
                results.setdefault((contender, batch), []).append(r)
                reports[contender] = r["threads"]
    return results, reports


def medians(args, results, key):
    """{(contender, batch): median of the repeats}, None where a contender has no such time."""
    return {(n, b): None if results[n, b][0][key] is None else
            statistics.median(r[key] for r in results[n, b])
            for n in args.contenders for b in args.batches}


def table(args, results, key):
    """Markdown: one row per batch size, 'seconds (ratio to torch_loop)' per contender."""
    med, names = medians(args, results, key), args.contenders
    lines = ["| batch | " + " | ".join(names) + " |", "| ---: |" + " ---: |" * len(names)]
    for b in args.batches:
        ref = med.get(("torch_loop", b))
        cells = ["—" if med[n, b] is None else f"{med[n, b]:.3f}" +
                 (f" ({med[n, b] / ref:.2f})" if ref and n != "torch_loop" else "") for n in names]
        lines.append(f"| {b} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(args, threads, results, reports, env_note):
    print(f"\n### {threads} thread{'s' * (threads > 1)}{env_note}\n")
    ratio = " (in brackets: the ratio to torch_loop)" if "torch_loop" in args.contenders else ""
    print(f"Wall seconds for one epoch, median of {args.repeats} processes{ratio}:\n")
    print(table(args, results, "seconds"))
    print(f"\nCPU seconds of the same steps (all threads of the process), median of "
          f"{args.repeats}:\n")
    print(table(args, results, "cpu"))
    med = medians(args, results, "seconds")
    for name in ("train", "engine"):
        if name in args.contenders and name + "64" in args.contenders:
            print(f"\n{name} float64 / float32 (wall): " + ", ".join(
                f"batch {b}: {med[name + '64', b] / med[name, b]:.2f}" for b in args.batches))
    if "engine" in args.contenders and "torch_tuned" in args.contenders:
        print("\nengine / torch_tuned (wall): " + ", ".join(
            f"batch {b}: {med['engine', b] / med['torch_tuned', b]:.2f}" for b in args.batches))
    print("\nTest accuracy after the epoch (%), per seed:\n")
    for name in args.contenders:
        if name != "naive":
            print(f"    {name:>11}: " + "; ".join(
                f"batch {b}: " + " ".join(f"{r['accuracy']:.2f}" for r in results[name, b])
                for b in args.batches))
    print("\nThreads as the libraries report them inside each run:\n")
    for name, rep in reports.items():
        print(f"    {name:>11}: " + ", ".join(f"{k}={v}" for k, v in rep.items()))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--batches", type=int, nargs="+", default=[10, 40, 100])
    p.add_argument("--contenders", nargs="+", choices=CONTENDERS, default=list(CONTENDERS))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--lr", type=float, default=4.0)
    p.add_argument("--images", type=int, default=60000, help="training images per epoch")
    p.add_argument("--openblas-env", choices=("as-is", "unset", "both"), default="both",
                   help=f"run with {' and '.join(OPENBLAS_ENV)} as set, without them, or both "
                        "(only matters when they are set)")
    args = p.parse_args(argv)
    if args.child:
        return child(json.loads(args.child))
    import numpy
    import threadpoolctl
    try:
        import torch
        torch_version = torch.__version__
    except ImportError:
        if {"torch_loop", "torch_tuned", "autograd"} & set(args.contenders):
            sys.exit("error: PyTorch is not installed here; use the bench venv "
                     "(see benchmarks/README.md) or leave out torch_loop and autograd")
        torch_version = "not installed"
    set_vars = {k: os.environ[k] for k in OPENBLAS_ENV if k in os.environ}
    print(f"# nnlesson against PyTorch, one epoch of {args.images} images\n")
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {load()} at the start; "
          f"Python {sys.version.split()[0]}, numpy {numpy.__version__}, torch {torch_version}, "
          f"threadpoolctl {threadpoolctl.__version__}; lr {args.lr}; "
          f"OpenBLAS variables: {set_vars or 'none set'}")
    envs = [("", dict(os.environ))]
    if set_vars and args.openblas_env != "as-is":
        unset = {k: v for k, v in os.environ.items() if k not in OPENBLAS_ENV}
        both = args.openblas_env == "both"
        envs = [(" (OpenBLAS variables unset)", unset)] + (envs if both else [])
    for note, env in envs:
        for threads in args.threads:
            results, reports = measure(args, threads, env)
            report(args, threads, results, reports, note)
    print(f"\n{load()} at the end")


if __name__ == "__main__":
    main()
