#!/usr/bin/env python3
"""PyTorch reference: char-level LSTM loss curve, Keras semantics
("Concise Handbook of TensorFlow 2" RNN example).

Usage: lstm_ref.py --text {gpl3,all} --seed N --steps N [--out losses.json]
"""
import argparse, json, math, os, time
import numpy as np
import torch

torch.set_num_threads(1)

LIC = "/usr/share/common-licenses"


def load_text(which):
    if which == "gpl3":
        with open(os.path.join(LIC, "GPL-3"), encoding="utf-8") as f:
            return f.read().lower()
    parts = []
    for name in sorted(os.listdir(LIC)):
        p = os.path.join(LIC, name)
        if os.path.isfile(p) and not os.path.islink(p):
            with open(p, encoding="utf-8", errors="replace") as f:
                parts.append(f.read())
    return "".join(parts).lower()


def glorot_uniform(fan_in, fan_out, gen):
    # Keras shape [fan_in, fan_out]
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return (torch.rand(fan_in, fan_out, generator=gen, dtype=torch.float64) * 2 - 1) * limit


def keras_orthogonal(rows, cols, gen, gain=1.0):
    # Keras Orthogonal: flat shape (rows, cols); QR of normal (max, min); sign fix; transpose if rows < cols
    a = torch.randn(max(rows, cols), min(rows, cols), generator=gen, dtype=torch.float64)
    q, r = torch.linalg.qr(a)
    q = q * torch.sign(torch.diagonal(r))
    if rows < cols:
        q = q.T
    return gain * q[:rows, :cols]


class KerasAdam:
    """Keras Adam: alpha = lr*sqrt(1-b2^t)/(1-b1^t); w -= alpha*m/(sqrt(v)+eps)."""

    def __init__(self, params, lr=1e-3, b1=0.9, b2=0.999, eps=1e-7):
        self.params = list(params)
        self.lr, self.b1, self.b2, self.eps = lr, b1, b2, eps
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    @torch.no_grad()
    def step(self):
        self.t += 1
        alpha = self.lr * math.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        for p, m, v in zip(self.params, self.m, self.v):
            g = p.grad
            m.mul_(self.b1).add_(g, alpha=1 - self.b1)
            v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            p.sub_(alpha * m / (v.sqrt() + self.eps))
            p.grad = None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--text", choices=["gpl3", "all"], default="gpl3")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--seq", type=int, default=40)
    ap.add_argument("--units", type=int, default=256)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()

    text = load_text(a.text)
    chars = sorted(set(text))
    n = len(chars)
    idx = {c: i for i, c in enumerate(chars)}
    data = np.array([idx[c] for c in text], dtype=np.int64)
    H = a.units

    gen = torch.Generator().manual_seed(a.seed)
    rng = np.random.RandomState(a.seed)

    # Keras-shaped weights
    k_kernel = glorot_uniform(n, 4 * H, gen)            # [n, 4H]
    k_rec = keras_orthogonal(H, 4 * H, gen)             # [H, 4H]
    k_bias = torch.zeros(4 * H, dtype=torch.float64)
    k_bias[H:2 * H] = 1.0                               # unit_forget_bias (order i,f,c,o)
    d_kernel = glorot_uniform(H, n, gen)                # [H, n]
    d_bias = torch.zeros(n, dtype=torch.float64)

    lstm = torch.nn.LSTM(input_size=n, hidden_size=H, num_layers=1, batch_first=True)
    dense = torch.nn.Linear(H, n)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(k_kernel.T.float())
        lstm.weight_hh_l0.copy_(k_rec.T.float())
        lstm.bias_ih_l0.copy_(k_bias.float())
        lstm.bias_hh_l0.zero_()
        dense.weight.copy_(d_kernel.T.float())
        dense.bias.copy_(d_bias.float())
    params = list(lstm.parameters()) + list(dense.parameters())
    opt = KerasAdam(params, lr=1e-3, b1=0.9, b2=0.999, eps=1e-7)
    eye = torch.eye(n)

    losses = []
    t0 = time.time()
    for step in range(a.steps):
        starts = rng.randint(0, len(data) - a.seq - 1, size=a.batch)  # [0, len-seq-1)
        X = np.stack([data[s:s + a.seq] for s in starts])
        y = torch.from_numpy(data[starts + a.seq])
        x = eye[torch.from_numpy(X)]                     # [B, T, n] one-hot
        out, _ = lstm(x)                                 # zero initial (h, c)
        logits = dense(out[:, -1, :])
        probs = torch.softmax(logits, dim=-1).clamp(1e-7, 1 - 1e-7)
        loss = -torch.log(probs.gather(1, y[:, None])).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    dt = time.time() - t0

    L = np.array(losses)
    first = L[0]
    m_first10 = L[:10].mean()
    m_last10 = L[-10:].mean()
    res = dict(text=a.text, seed=a.seed, steps=a.steps, text_len=len(text), num_chars=n,
               ln_num_chars=math.log(n), first=first, mean_first10=m_first10,
               mean_last10=m_last10,
               fall_pct_vs_first=100 * (first - m_last10) / first,
               fall_pct_vs_first10=100 * (m_first10 - m_last10) / m_first10,
               seconds=dt, losses=losses)
    if a.steps >= 300:
        res["mean_291_300"] = L[290:300].mean()
    print(json.dumps({k: v for k, v in res.items() if k != "losses"}))
    if a.out:
        with open(a.out, "w") as f:
            json.dump(res, f)


if __name__ == "__main__":
    main()
