"""Training baseline: what a researcher would write in PyTorch for the `train` workload, on the CPU.

Same workload as `./prefixproof bench --workload train --size SIZE`: a minGPT-shaped decoder (token and learned
position embeddings, pre-LayerNorm blocks of causal multi-head attention with biases and a tanh-GELU MLP of width
4d, final LayerNorm, unembedding without bias; e4-paper has no LayerNorm before attention), vocabulary 11,
sequences of 20 tokens (one padding zero, 10 digits from 0..7, their ascending sort minus its last digit), loss on
the 10 positions that predict the sort. Each step: a fresh batch of 64, forward, backward, gradient-norm clipping
at 1, AdamW (learning rate 5e-4, betas 0.9/0.95, weight decay 0.1 on the linear layers' weights only), dropout
0.1. Two intra-op threads (the Java trainer runs two). A check is one trained token (64 x 20 per step).
Usage: python3 train_torch.py [seconds] [size] [float32|float64]
"""
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from timing import timed

SIZES = {"e3-small": (1, 1, 32, True), "e3-paper": (1, 1, 96, True), "e4-paper": (1, 4, 256, False),
         "e5-paper": (4, 4, 256, True)}
VOCAB, CONTEXT, BATCH, DIGITS, LENGTH = 11, 20, 64, 8, 10


class Block(nn.Module):
    def __init__(self, d, heads, attention_norm):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d) if attention_norm else nn.Identity()
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)
        self.drop = nn.Dropout(0.1)
        self.register_buffer("mask", torch.tril(torch.ones(CONTEXT, CONTEXT, dtype=torch.bool)))

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        att = self.drop(F.softmax(scores.masked_fill(~self.mask[:t, :t], float("-inf")), dim=-1))
        x = x + self.drop(self.proj((att @ v).transpose(1, 2).reshape(b, t, d)))
        return x + self.drop(self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh")))


class Gpt(nn.Module):
    def __init__(self, layers, heads, d, attention_norm):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, d)
        self.pos = nn.Embedding(CONTEXT, d)
        self.drop = nn.Dropout(0.1)
        self.blocks = nn.ModuleList(Block(d, heads, attention_norm) for _ in range(layers))
        self.lnf = nn.LayerNorm(d)
        self.head = nn.Linear(d, VOCAB, bias=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith(("proj.weight", "out.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx):
        x = self.drop(self.tok(idx) + self.pos(torch.arange(idx.shape[1])))
        for block in self.blocks:
            x = block(x)
        return self.head(self.lnf(x))


def batch():
    digits = torch.randint(0, DIGITS, (BATCH, LENGTH))
    ordered = digits.sort(dim=1).values
    tokens = torch.cat([torch.zeros(BATCH, 1, dtype=torch.long), digits, ordered[:, :-1]], dim=1)
    targets = torch.cat([torch.full((BATCH, LENGTH), -1), ordered], dim=1)
    return tokens, targets


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    size = sys.argv[2] if len(sys.argv) > 2 else "e3-paper"
    dtype = sys.argv[3] if len(sys.argv) > 3 else "float32"
    torch.set_num_threads(2)
    torch.manual_seed(1000)
    torch.set_default_dtype(getattr(torch, dtype))
    model = Gpt(*SIZES[size])
    model.train()
    decay = [p for n, p in model.named_parameters() if n.endswith("weight") and p.dim() == 2
             and not n.startswith(("tok.", "pos."))]
    rest = [p for n, p in model.named_parameters() if not any(p is q for q in decay)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=5e-4, betas=(0.9, 0.95))

    def step():
        tokens, targets = batch()
        loss = F.cross_entropy(model(tokens).view(-1, VOCAB), targets.view(-1), ignore_index=-1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return None

    step()  # one untimed step: PyTorch's lazy initialisation (the JVM side stays warm between runs)
    timed("train-torch", size, step, seconds, per_call=BATCH * CONTEXT,
          extra={"dtype": dtype, "torch_threads": torch.get_num_threads(), "torch": torch.__version__})


if __name__ == "__main__":
    main()
